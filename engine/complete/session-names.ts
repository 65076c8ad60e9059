// The names a session can offer for completion: its lake's tables and their columns,
// and the models defined so far.
import type { Session } from "../session.js";
import type { LakeNames } from "./complete-cell.js";
import { listTableNames } from "../commands/describe-session.js";

export function lakeNamesOf(session: Session): LakeNames {
  return {
    tables: () => listTableNames(session).catch(() => [] as string[]),
    models: () => session.definitions().map((d) => d.name),
    columns: async (table) => {
      const loaded = await (await session.tables()).loadTable(table).catch(() => undefined);
      return loaded ? loaded.schema().fields.map((f) => f.name) : [];
    },
  };
}
