// The fragments a scan has in hand, which says how far along the scan is as they
// arrive (from memory, disk or the store): progress for long scans, reported at most
// every 2% so a big scan does not flood the front ends.
import type { Fragment } from "./fragment.js";
import type { FragmentKey } from "./fragment-key.js";

export class ProgressMap extends Map<FragmentKey, Fragment> {
  #reported = -1;

  constructor(readonly total: number, readonly onProgress?: (done: number, total: number) => void) {
    super();
  }

  override set(key: FragmentKey, fragment: Fragment): this {
    super.set(key, fragment);
    if (this.onProgress && this.total > 0) {
      const step = Math.floor((this.size / this.total) * 50);
      if (step > this.#reported) {
        this.#reported = step;
        this.onProgress(this.size, this.total);
      }
    }
    return this;
  }
}
