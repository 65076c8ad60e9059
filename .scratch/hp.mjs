import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadata } from 'hyparquet';
import fs from 'node:fs';
const inst = await DuckDBInstance.create(':memory:'); const c = await inst.connect(); try { await c.run("SET TimeZone='UTC'"); console.log('tz ok'); } catch(e) { console.log('tz', e.message); await c.run('LOAD icu'); await c.run("SET TimeZone='UTC'"); }
await c.run(`COPY (SELECT i::BIGINT AS id, i::INTEGER AS n, (i*1.5)::DOUBLE AS usd, (i*1.5)::FLOAT AS f, 'c'||(i%40) AS country, TIMESTAMP '2023-01-01' + INTERVAL (i) SECOND AS t, (TIMESTAMPTZ '2023-01-01 00:00:00+00' + INTERVAL (i) SECOND) AS tz, DATE '2023-01-01' + (i % 30)::INTEGER AS d, i%2=0 AS b, (i%7)::INTEGER::VARCHAR::BLOB AS bin, i % 100 + 636 AS __p0 FROM range(1000) r(i)) TO '.scratch/out' (FORMAT parquet, PARTITION_BY (__p0), OVERWRITE_OR_IGNORE, ROW_GROUP_SIZE 100, FIELD_IDS {id:1, n:2, usd:3, f:4, country:5, t:6, tz:7, d:8, b:9, bin:10})`);
const dirs = fs.readdirSync('.scratch/out'); console.log(dirs.length, dirs.slice(0,3), fs.readdirSync('.scratch/out/'+dirs[0]));
const buf = fs.readFileSync('.scratch/out/'+dirs[0]+'/'+fs.readdirSync('.scratch/out/'+dirs[0])[0]);
const md = parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset+buf.length));
console.log(md.num_rows, md.row_groups.length, md.schema.map(s=>[s.name,s.field_id,s.type,s.logical_type?.type, s.converted_type]));
for (const col of md.row_groups[0].columns) { const m = col.meta_data; console.log(m.path_in_schema, m.codec, typeof m.statistics.min_value, m.statistics.min_value, m.statistics.max_value, m.statistics.null_count, m.dictionary_page_offset, m.data_page_offset); }
