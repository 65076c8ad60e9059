// s3rver ships no types; lakeloop's test harness uses only its constructor (typed there).
declare module "s3rver" {
  const S3rver: unknown;
  export default S3rver;
}
