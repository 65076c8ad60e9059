// Whether a model left its thread's JavaScript realm as it found it. A pooled thread runs
// one model after another; before it serves the next, its global object and the
// built-in objects (prototypes, constructors, JSON, Math, Reflect, Arrow's classes) must
// hold exactly the properties they held when the thread started. New globals a model
// set are removed; anything else changed retires the thread, so no state a model leaves
// behind is ever seen by another.

/** The built-ins a model could change: constructors and their prototypes, namespaces. */
function intrinsics(extra: object[]): object[] {
  const out = new Set<object>();
  const add = (o: unknown) => {
    if ((typeof o === "object" || typeof o === "function") && o !== null) out.add(o);
  };
  const constructors = [
    Object, Function, Array, String, Number, Boolean, Symbol, BigInt, Date, RegExp, Error, TypeError, RangeError, SyntaxError,
    ReferenceError, EvalError, URIError, AggregateError, Promise, Map, Set, WeakMap, WeakSet, WeakRef, FinalizationRegistry,
    ArrayBuffer, SharedArrayBuffer, DataView, Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
    Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array, Proxy,
  ];
  for (const c of constructors) {
    add(c);
    add((c as { prototype?: unknown }).prototype);
  }
  add(Object.getPrototypeOf(Int8Array));
  add(Object.getPrototypeOf(Int8Array.prototype));
  add(Object.getPrototypeOf([][Symbol.iterator]()));
  add(Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())));
  add(Object.getPrototypeOf(async function () {}));
  add(Object.getPrototypeOf(function* () {}));
  for (const o of [JSON, Math, Reflect, Atomics, Intl, globalThis.console]) add(o);
  for (const o of extra) {
    add(o);
    if (typeof o === "object") for (const v of Object.values(o)) if (typeof v === "function") { add(v); add(v.prototype); }
  }
  return [...out];
}

type Snapshot = Map<PropertyKey, PropertyDescriptor>;

function describe(o: object): Snapshot {
  const out: Snapshot = new Map();
  for (const key of Reflect.ownKeys(o)) {
    const d = Reflect.getOwnPropertyDescriptor(o, key);
    if (d) out.set(key, d);
  }
  return out;
}

const same = (a: PropertyDescriptor, b: PropertyDescriptor) =>
  Object.is(a.value, b.value) && a.get === b.get && a.set === b.set && a.writable === b.writable && a.configurable === b.configurable;

/**
 * Records the realm now; the returned check restores new globals and reports what else
 * changed since (undefined when nothing did).
 */
export function guardRealm(extra: object[] = []): () => string | undefined {
  // A first look sets up what Node defines lazily when first looked at (on Node 24,
  // describing the global FormData adds undici's dispatcher symbols to the global
  // object); the record is the second look.
  describe(globalThis);
  intrinsics(extra).forEach(describe);
  const objects = intrinsics(extra);
  const before = objects.map(describe);
  const globals = describe(globalThis);
  const frozen = objects.map((o) => Object.isExtensible(o));
  return () => {
    // Globals a model added are taken away; a changed or deleted one retires the thread.
    for (const key of Reflect.ownKeys(globalThis)) {
      if (!globals.has(key)) {
        const d = Reflect.getOwnPropertyDescriptor(globalThis, key);
        if (d?.configurable && Reflect.deleteProperty(globalThis, key)) continue;
        return `global ${String(key)} was added and cannot be removed`;
      }
    }
    for (const [key, d] of globals) {
      const now = Reflect.getOwnPropertyDescriptor(globalThis, key);
      if (!now || !same(now, d)) return `global ${String(key)} was changed`;
    }
    for (const [i, o] of objects.entries()) {
      if (Object.isExtensible(o) !== frozen[i]) return "a built-in object was frozen or sealed";
      const was = before[i]!;
      const keys = Reflect.ownKeys(o);
      if (keys.length !== was.size) return `a built-in object gained or lost properties (${keys.filter((k) => !was.has(k)).map(String).join(", ") || "deleted"})`;
      for (const key of keys) {
        const d = Reflect.getOwnPropertyDescriptor(o, key);
        const w = was.get(key);
        if (!d || !w || !same(d, w)) return `the built-in property ${String(key)} was changed`;
      }
    }
    return undefined;
  };
}
