// Independent verifier of a Grader `openbadges` export, for the tests: checks each credential's VC-JWT with `jose`
// (ES256, the public key given on the command line, nbf/iss/jti/sub against the credential) and validates the
// credential against the Open Badges 3.0 AchievementCredential JSON Schema with `ajv` (draft 2019-09).
// Shares no code with the C# signer.
//   node verify-openbadges.mjs <export.json> <public-key.pem> <achievementcredential.schema.json>
// Prints {"checked":N,"failures":[...]} and exits 0 when every credential passes, 1 otherwise.
import { readFileSync } from 'node:fs';
import * as jose from 'jose';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';

const [exportPath, keyPath, schemaPath] = process.argv.slice(2);
const exported = JSON.parse(readFileSync(exportPath, 'utf8'));
const key = await jose.importSPKI(readFileSync(keyPath, 'utf8'), 'ES256');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
schema.$schema = 'https://json-schema.org/draft/2019-09/schema';
const ajv = new Ajv2019({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

const failures = [];
for (const [i, entry] of exported.credentials.entries()) {
  try {
    const { payload, protectedHeader } = await jose.jwtVerify(entry.jwt, key, { algorithms: ['ES256'] });
    if (protectedHeader.jwk && 'd' in protectedHeader.jwk) throw new Error('the jwk header holds a private key');
    if (payload.iss !== payload.issuer.id) throw new Error('iss != issuer.id');
    if (payload.jti !== payload.id) throw new Error('jti != id');
    if (payload.sub !== payload.credentialSubject.id) throw new Error('sub != credentialSubject.id');
    if (payload.nbf !== Math.floor(Date.parse(payload.issuanceDate) / 1000)) throw new Error('nbf != issuanceDate');
    if (!payload.type.includes('OpenBadgeCredential')) throw new Error('not an OpenBadgeCredential');
    if (!validate(payload)) throw new Error('schema: ' + ajv.errorsText(validate.errors));
  } catch (e) {
    failures.push({ index: i, competency: entry.competency, level: entry.level, error: String(e.message || e) });
  }
}
console.log(JSON.stringify({ checked: exported.credentials.length, failures }));
process.exit(failures.length === 0 && exported.credentials.length > 0 ? 0 : 1);
