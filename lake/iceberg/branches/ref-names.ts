// Names of a lake's refs: `main`, plus the branches and tags users make. A ref's name
// is also an Iceberg ref name in every table's metadata and part of a table property
// key, so only safe characters are accepted; an all-digit name would read as a
// snapshot id in `--from`, so it is refused.
import { IcebergError } from "../errors.js";

export const MAIN = "main";

const NAME = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;

export type RefType = "branch" | "tag";

/** Checks a name for a new branch or tag. */
export function checkNewRefName(name: string, type: RefType): void {
  if (name === MAIN) throw new IcebergError("BAD_REF_NAME", `'${MAIN}' is the lake's main branch; choose another name for the ${type}`);
  if (!NAME.test(name)) {
    throw new IcebergError("BAD_REF_NAME", `bad ${type} name '${name}': start with a letter, then letters, digits, '.', '_' or '-' (at most 64)`);
  }
}
