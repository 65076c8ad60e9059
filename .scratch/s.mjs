import { FileStore } from '../dist/lake/store/file-store.js';
import { Catalog } from '../dist/lake/iceberg/catalog.js';
import { writeSample } from '../dist/lake/ingest/sample.js';
const store = await FileStore.open('/tmp/lake-sample-test');
const c = await Catalog.open(store);
let t0 = Date.now();
const t = await writeSample(c, { rows: Number(process.argv[2] ?? 100000), onProgress: p => {} });
console.log('ms', Date.now()-t0, t.currentSnapshot().summary);
const files = await t.dataFiles(); console.log(files.length, files[0].partition, files[0].lowerBounds, files[0].upperBounds, files[0].splitOffsets);
