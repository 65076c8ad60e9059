// Why an environment could not be made, naming the package, the version asked for and
// the registry, so the user can fix the model's `runtime` (or the network).
export class EnvironmentError extends Error {
  override name = "EnvironmentError";
  constructor(readonly code: "UNKNOWN_PACKAGE" | "NO_MATCHING_VERSION" | "REGISTRY_UNREACHABLE" | "BAD_TARBALL" | "BAD_RUNTIME", message: string) {
    super(message);
  }
}
