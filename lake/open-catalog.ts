// Which catalog a lake has: an Iceberg REST catalog when LAKELOOP_CATALOG names one,
// otherwise the lake folder's own metadata files. Both are a Catalog to their callers;
// this is the one place that knows there are two (so neither imports the other).
import { Catalog } from "./iceberg/catalog.js";
import { RestCatalog } from "./catalog-rest/rest-catalog.js";
import { ReachStore } from "./store/reach-store.js";
import type { ObjectStore } from "./store/object-store.js";

export async function openCatalog(store: ObjectStore, env: NodeJS.ProcessEnv = process.env): Promise<Catalog> {
  const reach = ReachStore.of(store, env);
  return env.LAKELOOP_CATALOG ? RestCatalog.connect(reach, env) : Catalog.ofFolder(reach);
}
