// S3 settings a REST catalog hands out with its configuration or with a table (the
// spec's `config` and `storage-credentials`: s3.endpoint, s3.access-key-id, vended
// session credentials, path-style access, client.region), as the options of the store
// that reads that table's files.
import type { S3StoreOptions } from "../store/s3-store.js";

export function s3OptionsFromProperties(props: Record<string, string | undefined>): Partial<S3StoreOptions> | undefined {
  const options: Partial<S3StoreOptions> = {};
  if (props["s3.endpoint"]) {
    options.endpoint = props["s3.endpoint"];
    options.forcePathStyle = true;
  }
  if (props["s3.path-style-access"] !== undefined) options.forcePathStyle = props["s3.path-style-access"] === "true";
  const region = props["client.region"] ?? props["s3.region"];
  if (region) options.region = region;
  const id = props["s3.access-key-id"];
  const secret = props["s3.secret-access-key"];
  if (id && secret) options.credentials = { accessKeyId: id, secretAccessKey: secret, sessionToken: props["s3.session-token"] };
  return Object.keys(options).length ? options : undefined;
}
