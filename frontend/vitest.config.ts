import { defineConfig } from "vitest/config";

// Unit tests sit beside the code (`src/**/*.test.ts`); a file that needs a DOM says `@vitest-environment jsdom`.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    restoreMocks: true,
  },
});
