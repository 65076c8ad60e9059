// The Catalog of an Iceberg REST catalog (Polaris, Nessie, Gravitino, Lakekeeper,
// Tabular, `lakeloop catalog serve`, …): namespaces, tables and each table's metadata
// come from the catalog's API; the files are read through the lake's store as usual,
// with the S3 settings and credentials the catalog hands out. Same methods as the
// lake-folder catalog; its tables are read-only in lakeloop for now.
import { Catalog } from "../iceberg/catalog.js";
import { IcebergError, TableNotFoundError } from "../iceberg/errors.js";
import { parseMetadataFileName } from "../iceberg/find-metadata.js";
import { nearestName, parseTableName, qualifiedName, shortTableName, type TableIdent } from "../iceberg/names.js";
import { tableMetadataFrom } from "../iceberg/read-metadata.js";
import { Table } from "../iceberg/table.js";
import type { ReachStore } from "../store/reach-store.js";
import { restClientConfigFrom } from "./client-config.js";
import { RestClient } from "./rest-client.js";
import { s3OptionsFromProperties } from "./storage-config.js";

interface CatalogConfig {
  defaults?: Record<string, string>;
  overrides?: Record<string, string>;
}

interface LoadTableResult {
  "metadata-location"?: string | null;
  metadata: unknown;
  config?: Record<string, string>;
  "storage-credentials"?: { prefix: string; config: Record<string, string> }[];
}

const READ_ONLY = "tables of a REST catalog are read-only in lakeloop for now (commits through the catalog's API are not implemented)";

export class RestCatalog extends Catalog {
  private constructor(readonly reach: ReachStore, readonly client: RestClient, readonly properties: Record<string, string>) {
    super(reach);
  }

  /** Asks the catalog for its configuration (GET /v1/config), as every client must first. */
  static async connect(store: ReachStore, env: NodeJS.ProcessEnv): Promise<RestCatalog> {
    const config = restClientConfigFrom(env);
    const client = new RestClient(config, env);
    const answer = (await client.request<CatalogConfig>("GET", "/v1/config", { query: { warehouse: config.warehouse } })).body ?? {};
    const properties: Record<string, string> = { ...answer.defaults, ...(config.warehouse ? { warehouse: config.warehouse } : {}), ...answer.overrides };
    client.prefix = properties.prefix ?? "";
    return new RestCatalog(store, client, properties);
  }

  /** Every page of a listing (the spec's pageToken / next-page-token). */
  async #pages<T>(path: string, field: string): Promise<T[]> {
    const out: T[] = [];
    let token: string | undefined = "";
    while (token !== undefined) {
      const page: { body: Record<string, unknown> } = await this.client.request("GET", path, { query: { pageToken: token || undefined } });
      out.push(...((page.body?.[field] as T[] | undefined) ?? []));
      const next = page.body?.["next-page-token"];
      token = typeof next === "string" && next !== "" && next !== token ? next : undefined;
    }
    return out;
  }

  /** Top-level namespaces: lakeloop's names are namespace.table, one level deep. */
  override async listNamespaces(): Promise<string[]> {
    const namespaces = await this.#pages<string[]>(this.client.route("namespaces"), "namespaces");
    return namespaces.filter((ns) => ns.length === 1).map((ns) => ns[0]!).sort();
  }

  override async listTables(namespace?: string): Promise<string[]> {
    const names: string[] = [];
    for (const ns of namespace ? [namespace] : await this.listNamespaces()) {
      const ids = await this.#pages<{ namespace: string[]; name: string }>(this.client.route("namespaces", ns, "tables"), "identifiers");
      for (const id of ids) {
        try {
          names.push(qualifiedName(parseTableName(`${id.namespace.join(".")}.${id.name}`)));
        } catch {
          // a name lakeloop cannot address (namespace.table with letters, digits, _ and -)
        }
      }
    }
    return names.sort();
  }

  override async tableExists(name: string): Promise<boolean> {
    const ident = parseTableName(name);
    const answer = await this.client.request("HEAD", this.#tablePath(ident), { accept: [404] });
    return answer.status !== 404;
  }

  override async loadTable(name: string): Promise<Table> {
    const ident = parseTableName(name);
    const qualified = qualifiedName(ident);
    const answer = await this.client.request<LoadTableResult>("GET", this.#tablePath(ident), {
      accept: [404], headers: { "X-Iceberg-Access-Delegation": "vended-credentials" },
    });
    if (answer.status === 404) {
      const short = (await this.listTables().catch(() => [] as string[])).map(shortTableName);
      throw new TableNotFoundError(name, short, nearestName(name, short));
    }
    const location = answer.body["metadata-location"];
    const where = `${this.client.config.uri} table ${qualified}`;
    if (!location) throw new IcebergError("STAGED_TABLE", `the REST catalog at ${this.client.config.uri} has table ${qualified} staged, not committed (no metadata-location)`);
    const metadata = tableMetadataFrom(answer.body.metadata, where);
    this.#mountStorage(metadata.location, answer.body);
    const key = this.reach.keyOf(location);
    const version = parseMetadataFileName(key.slice(key.lastIndexOf("/") + 1))?.version ?? 0;
    return new Table(this, qualified, key, version, metadata, READ_ONLY);
  }

  /** The table's files are read with the catalog's S3 settings: its config, then the table's, then vended credentials. */
  #mountStorage(location: string, answer: LoadTableResult): void {
    const tableOptions = s3OptionsFromProperties({ ...this.properties, ...answer.config });
    if (tableOptions) this.reach.mount(location, tableOptions);
    for (const credential of answer["storage-credentials"] ?? []) {
      const options = s3OptionsFromProperties({ ...this.properties, ...answer.config, ...credential.config });
      if (options && credential.prefix.startsWith("s3")) this.reach.mount(credential.prefix, options);
    }
  }

  #tablePath(ident: TableIdent): string {
    return this.client.route("namespaces", ident.namespace, "tables", ident.table);
  }

  override async createTable(name: string): Promise<Table> {
    throw new IcebergError("READ_ONLY", `cannot create table '${name}': ${READ_ONLY}`);
  }

  override async dropTable(name: string): Promise<void> {
    throw new IcebergError("READ_ONLY", `cannot drop table '${name}': ${READ_ONLY}`);
  }
}
