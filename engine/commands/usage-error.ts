// A command's error for a wrong use (a missing name, an unknown flag): front ends show
// its message as it is, without a stack, and the CLI exits with status 2.
export function usageError(message: string): Error {
  return Object.assign(new Error(message), { code: "USAGE" });
}
