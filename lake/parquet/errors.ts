// The error of a file that is not the Parquet it claims to be.
export class LakeFormatError extends Error {
  override name = "LakeFormatError";
  readonly code = "BAD_PARQUET";
}
