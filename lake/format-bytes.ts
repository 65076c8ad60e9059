// Byte sizes for people, in powers of 1000 as disks and networks count them: "812 B",
// "1.5 KB", "674 KB", "12 MB", "2.1 GB". The one formatter of sizes: tables, scans,
// cache diffs and run lines all print through it.
const UNITS = ["B", "KB", "MB", "GB", "TB"];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}
