// Builds GOV.UK Frontend for Hearth: Arial instead of GDS Transport (a council
// service is not on GOV.UK) and asset URLs under Hearth's static path.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const out = join(root, "hearth", "web", "static", "govuk");
mkdirSync(out, { recursive: true });

const source = `
@use "govuk-frontend/dist/govuk" with (
  $govuk-font-family: (arial, sans-serif),
  $govuk-assets-path: "/static/govuk/assets/"
);
@use "hearth";
`;
const result = sass.compileString(source, {
  loadPaths: [join(root, "node_modules"), join(root, "assets")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "hearth.css"), result.css);
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(govuk, "assets"), join(out, "assets"), { recursive: true });
cpSync(join(root, "node_modules", "axe-core", "axe.min.js"), join(root, "var", "axe.min.js"));
console.log("Built GOV.UK Frontend assets into hearth/web/static/govuk");
