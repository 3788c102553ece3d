// drizzle-kit: generates the archive's D1 migrations (migrations/) from durable/archive/schema.ts.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./durable/archive/schema.ts",
  out: "./migrations",
});
