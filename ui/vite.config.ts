import { defineConfig } from "vite";

// Tauri serves ui/dist itself (no dev server in the app's config): see docs/app.md.
export default defineConfig({
  clearScreen: false,
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    // pdf.js is big on purpose; the app loads it from disk, not over a network.
    chunkSizeWarningLimit: 2500,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    globals: true,
  },
});
