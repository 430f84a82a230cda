// Validates Kubernetes objects offline against the API's schemas (kubernetes-models, generated from
// Kubernetes' OpenAPI document), with no cluster:
//
//   kubectl kustomize deploy/k8s | node tools/checks/validate-k8s.mjs
//   node tools/checks/validate-k8s.mjs rendered.yaml
//
// Prints a line for every object ("ok" or "invalid" with each error) and exits 1 when a document is
// not YAML, an object is not of a kind the schemas know, any object breaks its schema, or there is
// no object at all. The schemas check types, required fields and formats; they allow fields they do
// not know (as the API server does without strict field validation), so a misspelt optional field
// is not caught here.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const source = process.argv[2] ? readFileSync(process.argv[2], "utf8") : readFileSync(0, "utf8");

/** The model class of an object's apiVersion and kind, or undefined when none is known. */
async function modelOf(apiVersion, kind) {
  // Core objects live in "kubernetes-models/v1", the others in "kubernetes-models/<group>/<version>".
  if (!/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    return undefined;
  }
  try {
    return (await import(`kubernetes-models/${apiVersion}/${kind}`))[kind];
  } catch (error) {
    if (error?.code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || error?.code === "ERR_MODULE_NOT_FOUND") {
      return undefined;
    }
    throw error;
  }
}

const name = (object) => `${object?.kind ?? "?"}/${object?.metadata?.name ?? "?"} (${object?.apiVersion ?? "no apiVersion"})`;

let objects = 0;
let failures = 0;
const report = (label, errors) => {
  if (errors.length === 0) {
    console.log(`ok       ${label}`);
    return;
  }
  failures++;
  console.log(`invalid  ${label}`);
  for (const error of errors) {
    console.log(`           ${error}`);
  }
};

for (const [index, document] of parseAllDocuments(source).entries()) {
  if (document.errors.length > 0) {
    report(`document ${index + 1}`, document.errors.map((e) => `not YAML: ${e.message.split("\n")[0]}`));
    continue;
  }
  const object = document.toJS();
  if (object === null || object === undefined) {
    continue;
  }
  objects++;
  if (typeof object !== "object" || Array.isArray(object)) {
    report(`document ${index + 1}`, ["not a Kubernetes object (a mapping with apiVersion and kind)"]);
    continue;
  }
  const errors = [];
  if (!object.metadata?.name) {
    errors.push("metadata.name is missing");
  }
  const Model = typeof object.apiVersion === "string" && typeof object.kind === "string"
    ? await modelOf(object.apiVersion, object.kind)
    : undefined;
  if (!Model) {
    errors.push(`no schema for apiVersion ${object.apiVersion} kind ${object.kind}: not a Kubernetes object these schemas know`);
  } else {
    try {
      new Model(object).validate();
    } catch (error) {
      errors.push(...String(error?.message ?? error).split(/,\s*(?=data\/)|\n/).map((line) => line.replace(/^data/, "").trim()).filter(Boolean));
    }
  }
  report(name(object), errors);
}

if (objects === 0) {
  console.log("no Kubernetes object in the input");
  process.exit(1);
}
console.log(`${objects} objects, ${failures} invalid`);
process.exit(failures === 0 ? 0 : 1);
