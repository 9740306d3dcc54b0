import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/generated/**", ".run/**", ".cache/**", "coverage/**", ".tap/**", "**/*.mjs", "**/*.cjs", "**/*.js"] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false } }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/require-await": "off",
      // A package (service, shared package, the scripts) reaches another one only through its name and
      // its package.json exports, never by a relative path into its src/ (which bypasses the exports
      // and the dependency list). Own src/ (`../src/x.ts`, `../../src/x.ts`) stays fine.
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(\\.\\./)+([^/.][^/]*/)+src(/|$)",
              message: "Import another package by its name (e.g. @drops/db, @drops/catalog-service/seed), not by a relative path into its src/; add an export to its package.json if needed.",
            },
          ],
        },
      ],
    }
  },
  {
    files: ["**/test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      // tap tracks every t.test() it starts; awaiting each subtest adds nothing.
      "@typescript-eslint/no-floating-promises": "off"
    }
  }
);
