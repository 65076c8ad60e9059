// CurveZMQ keys on disk: `lakeloop worker keygen` writes a pair as NAME.key (the secret,
// mode 0600, with its public half) and NAME.pub (the public key alone, to hand out);
// an allow list is a file of public keys, one per line, lines starting with "# " are comments.
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { curveKeyPair } from "zeromq";

export interface KeyPair {
  publicKey: string;
  secretKey: string;
}

const Z85_KEY = /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/;

export function isZ85Key(text: string): boolean {
  return Z85_KEY.test(text);
}

export async function writeKeyPair(dir: string, name: string): Promise<{ secretFile: string; publicFile: string; keys: KeyPair }> {
  const keys = curveKeyPair();
  await mkdir(dir, { recursive: true });
  const secretFile = path.join(dir, `${name}.key`);
  const publicFile = path.join(dir, `${name}.pub`);
  await writeFile(secretFile, `# lakeloop CurveZMQ key pair: keep this file secret\npublic-key = ${keys.publicKey}\nsecret-key = ${keys.secretKey}\n`, { mode: 0o600 });
  await chmod(secretFile, 0o600);
  await writeFile(publicFile, `${keys.publicKey}\n`);
  return { secretFile, publicFile, keys };
}

export async function readKeyPair(file: string): Promise<KeyPair> {
  const text = await readFile(file, "utf8").catch((e: Error) => { throw new Error(`cannot read the key file ${file}: ${e.message}`); });
  const publicKey = /^public-key = (\S+)$/m.exec(text)?.[1];
  const secretKey = /^secret-key = (\S+)$/m.exec(text)?.[1];
  if (!publicKey || !secretKey || !isZ85Key(publicKey) || !isZ85Key(secretKey)) throw new Error(`${file} is not a lakeloop key file (from 'lakeloop worker keygen')`);
  return { publicKey, secretKey };
}

/** A public key given inline (40 Z85 characters) or as a .pub file. */
export async function readPublicKey(keyOrFile: string): Promise<string> {
  if (isZ85Key(keyOrFile.trim())) return keyOrFile.trim();
  const text = (await readFile(keyOrFile, "utf8").catch((e: Error) => { throw new Error(`cannot read the public key ${keyOrFile}: ${e.message}`); })).trim();
  const key = /^public-key = (\S+)$/m.exec(text)?.[1] ?? text;
  if (!isZ85Key(key)) throw new Error(`${keyOrFile} holds no CurveZMQ public key (40 Z85 characters)`);
  return key;
}

export async function readAllowList(file: string): Promise<Set<string>> {
  const text = await readFile(file, "utf8").catch((e: Error) => { throw new Error(`cannot read the allow list ${file}: ${e.message}`); });
  const keys = new Set<string>();
  for (const [n, raw] of text.split("\n").entries()) {
    // `#` is a Z85 character too: only whole lines starting with "# " are comments.
    const line = raw.trim();
    if (!line || line.startsWith("# ")) continue;
    if (!isZ85Key(line)) throw new Error(`${file} line ${n + 1}: not a CurveZMQ public key (40 Z85 characters)`);
    keys.add(line);
  }
  return keys;
}
