/**
 * The reference for the RPC benchmark: a bare Hono route on the same runtime (workerd under
 * wrangler dev), answering a JSON body of the size of a block view without touching any node.
 */

import { Hono } from "hono";

const app = new Hono();
const body = { height: 1, hash: "ab".repeat(32), label: "final", header: { stateRoot: "cd".repeat(32) } };
app.get("/bare", (c) => c.json(body));

export default app;
