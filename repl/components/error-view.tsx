// An error with the cell's source lines around the line it names, the line marked.
import { Box, Text } from "ink";

export function ErrorView({ message, source, line }: { message: string; source: string; line?: number }) {
  const lines = source.split("\n");
  const from = line ? Math.max(1, line - 2) : 1;
  const to = line ? Math.min(lines.length, line + 2) : 0;
  const gutter = String(to).length;
  return (
    <Box flexDirection="column">
      <Text color="red">{message}</Text>
      {line ? lines.slice(from - 1, to).map((text, k) => {
        const n = from + k;
        return <Text key={n} color={n === line ? "red" : "gray"}>{`${n === line ? ">" : " "} ${String(n).padStart(gutter)} | ${text}`}</Text>;
      }) : null}
    </Box>
  );
}
