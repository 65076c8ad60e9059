// The seed's first model: January's transactions in euro-area countries.
import { model, Model } from "lakeloop";

model(
  "euro_selection",
  {
    tx: Model("transactions", {
      columns: ["id", "usd", "country"],
      filter: "eventTime BETWEEN '2023-01-01' AND '2023-02-01'",
    }),
  },
  ({ tx }) => {
    const euro = new Set(["DE", "FR", "IT", "ES", "NL", "BE", "AT", "PT", "IE", "FI", "GR", "SK", "SI", "LT", "LV", "EE", "LU", "MT", "CY", "HR"]);
    const ids = tx.getChild("id")!;
    const usd = tx.getChild("usd")!;
    const country = tx.getChild("country")!;
    const rows = [];
    for (let i = 0; i < tx.numRows; i++) {
      const c = country.get(i);
      if (euro.has(c)) rows.push({ id: Number(ids.get(i)), usd: usd.get(i), country: c });
    }
    return rows;
  },
);
