// Lint: typescript-eslint's recommended rules over the code; formatting is prettier's job.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import comments from "./scripts/eslint-comments.mjs";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "test/fixtures/", "test/bad-input/", ".bench/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The launchers are CommonJS (bin/package.json): they load the bundle with its V8 code cache.
    files: ["bin/**/*.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { require: "readonly", module: "writable", __dirname: "readonly", __filename: "readonly" },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        SharedArrayBuffer: "readonly",
        Atomics: "readonly",
        queueMicrotask: "readonly",
        structuredClone: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        AbortController: "readonly",
        performance: "readonly",
        fetch: "readonly",
        setImmediate: "readonly",
      },
    },
    plugins: { stackmod: comments },
    rules: {
      // Comments say why: nothing that leads nowhere on a clone, no dated benchmark figures (see the rule).
      "stackmod/no-history": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
  {
    // A layered stack's nodes are in several files: only the model knows which file writes a node.
    files: [
      "src/analysis/**/*.ts",
      "src/strategies/**/*.ts",
      "src/rules/**/*.ts",
      "src/plan/**/*.ts",
      "src/edit/**/*.ts",
    ],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[property.name='position'][object.property.name='source']",
          message: "read a node's position with model.positionOf(node): source.position names the first file only",
        },
        {
          selector: "MemberExpression[property.name='position'][object.name='source']",
          message: "read a node's position with model.positionOf(node): source.position names the first file only",
        },
      ],
    },
  },
);
