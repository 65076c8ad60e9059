// Ends every test run with the plain line "N passed, N failed" so that a
// run that executed no test, or lost a file to a crash, cannot pass unseen. The same
// line goes to dist/test-count.txt for .ci/run to repeat as its very last line.
import { mkdirSync, writeFileSync } from "node:fs";
import type { Reporter, TestModule } from "vitest/node";

export default class CountReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of modules) {
      // A file that failed to load, crashed, or failed in a hook (its tests then show as
      // skipped) counts as a failure even when none of its tests failed.
      const tests = [...mod.children.allTests()];
      if (mod.state() === "failed" && !tests.some((t) => t.result().state === "failed")) failed++;
      for (const test of tests) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
    }
    failed += errors.length;
    const line = `${passed} passed, ${failed} failed`;
    mkdirSync("dist", { recursive: true });
    writeFileSync("dist/test-count.txt", line + "\n");
    process.stdout.write("\n" + (skipped ? `${skipped} skipped\n` : "") + line + "\n");
  }
}
