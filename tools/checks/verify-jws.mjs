// Verifies a JWS compact serialisation with the jose library (panva/jose), independently of the
// .NET code that signed it: node verify-jws.mjs <jwks.json> <expected typ>, the token on stdin.
// Prints {"header":…,"payload":…} and exits 0 when the signature, the algorithm (ES256) and the
// typ hold; prints the error and exits 1 otherwise.
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, compactVerify, decodeProtectedHeader } from 'jose';

const [jwksFile, typ] = process.argv.slice(2);
const token = readFileSync(0, 'utf8').trim();
try {
  const keys = createLocalJWKSet(JSON.parse(readFileSync(jwksFile, 'utf8')));
  const { payload, protectedHeader } = await compactVerify(token, keys, { algorithms: ['ES256'] });
  if (protectedHeader.typ !== typ) throw new Error(`typ is ${protectedHeader.typ}, not ${typ}`);
  console.log(JSON.stringify({ header: protectedHeader, payload: JSON.parse(new TextDecoder().decode(payload)) }));
} catch (error) {
  console.log(JSON.stringify({ error: String(error?.code ?? error?.message ?? error), header: safeHeader() }));
  process.exit(1);
}

function safeHeader() {
  try { return decodeProtectedHeader(token); } catch { return null; }
}
