/**
 * The OpenAPI 3.1 document served at `/v1/openapi.json`: the REST routes, and `POST /rpc` with
 * one schema per JSON-RPC method generated from the same zod schemas the server validates with
 * (rpc/methods.ts), so the document cannot drift from what is accepted.
 */

import { z } from "zod";
import { METHODS } from "./rpc/methods.js";

const error = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "data"],
      properties: { code: { type: "string" }, message: { type: "string" }, data: { type: "object" } },
    },
  },
};

const hexParam = (name: string, description: string) => ({
  name,
  in: "path",
  required: true,
  description,
  schema: { type: "string", pattern: "^[0-9a-fA-F]+$" },
});

function rest(summary: string, params: object[] = [], body?: object) {
  return {
    summary,
    parameters: [
      {
        name: "node",
        in: "query",
        required: false,
        description: "devnet node index",
        schema: { type: "integer" },
      },
      ...params,
    ],
    ...(body === undefined
      ? {}
      : { requestBody: { required: true, content: { "application/json": { schema: body } } } }),
    responses: {
      "200": { description: "OK", content: { "application/json": { schema: { type: "object" } } } },
      default: {
        description: "error with a stable code",
        content: { "application/json": { schema: error } },
      },
    },
  };
}

let cached: object | undefined;

export function openApiDocument(): object {
  if (cached !== undefined) return cached;
  const rpcVariants = Object.entries(METHODS).map(([name, m]) => ({
    title: name,
    description: m.summary,
    type: "object",
    required: ["jsonrpc", "method"],
    properties: {
      jsonrpc: { const: "2.0" },
      id: { type: ["string", "number", "null"] },
      method: { const: name },
      params: z.toJSONSchema(m.params, { io: "input", unrepresentable: "any" }),
    },
  }));
  cached = {
    openapi: "3.1.0",
    info: { title: "dusk-edge node API", version: "1" },
    paths: {
      "/v1/node/status": { get: rest("Node status") },
      "/v1/node/committees": { get: rest("Generator and committees of the round in progress") },
      "/v1/node/provisioners": { get: rest("Eligible provisioners and their stake") },
      "/v1/node/stakes/{publicKey}": {
        get: rest("A provisioner key's stake record (docs/STAKING.md)", [
          hexParam("publicKey", "48-byte BLS key"),
        ]),
      },
      "/v1/archive/status": { get: rest("Archive progress") },
      "/v1/archive/accounts/{address}/transactions": {
        get: rest("Final transactions of an account, newest first", [hexParam("address", "32-byte address")]),
      },
      "/v1/archive/contracts/{id}/events": {
        get: rest("Final events of a contract, oldest first", [hexParam("id", "contract id")]),
      },
      "/v1/ws": { get: rest("WebSocket subscriptions (docs/RPC.md)") },
      "/v1/p2p": {
        get: rest("Peer link: WebSocket upgrade to the chosen node (docs/ROUTING.md); not metered"),
      },
      "/v1/operator/api-keys": {
        get: rest("API keys with usage (operator bearer token)"),
        post: rest("Create an API key (operator bearer token)", [], {
          type: "object",
          required: ["name", "ratePerMinute"],
        }),
      },
      "/v1/operator/provisioners": {
        get: rest("Status of every hosted provisioner (operator bearer token)"),
        post: rest("Generate or import a provisioner key into an operator slot (operator bearer token)", [], {
          type: "object",
          properties: { secretKey: { type: "string" } },
        }),
      },
      "/v1/operator/provisioners/{node}": {
        get: rest(
          "One provisioner: stake, eligibility, duties, faults, rewards, alert (operator bearer token)",
          [hexParam("node", "node index")],
        ),
      },
      "/v1/operator/provisioners/{node}/slashing-protection": {
        get: rest("Export the slashing-protection record (operator bearer token)", [
          hexParam("node", "node index"),
        ]),
        post: rest(
          "Import a slashing-protection record (operator bearer token)",
          [hexParam("node", "node index")],
          {
            type: "object",
            required: ["metadata", "data"],
          },
        ),
      },
      "/metrics": { get: rest("Prometheus metrics of every hosted node (operator bearer token)") },
      "/v1/blocks/latest": { get: rest("Tip block") },
      "/v1/blocks/{height}": { get: rest("Block by height", [hexParam("height", "decimal height")]) },
      "/v1/blocks/hash/{hash}": { get: rest("Block by hash", [hexParam("hash", "32-byte hash")]) },
      "/v1/accounts/{address}": {
        get: rest("Account balance and nonce", [hexParam("address", "32-byte address")]),
      },
      "/v1/transactions": {
        post: rest("Submit a signed transaction", [], {
          type: "object",
          properties: { tx: { type: "string" } },
        }),
      },
      "/v1/transactions/{id}": { get: rest("Transaction with receipt", [hexParam("id", "32-byte id")]) },
      "/v1/contracts/{id}": { get: rest("Contract record", [hexParam("id", "32-byte contract id")]) },
      "/v1/contracts/{id}/storage/{key}": {
        get: rest("Contract storage value", [hexParam("id", "contract id"), hexParam("key", "storage key")]),
      },
      "/v1/contracts/{id}/events": { get: rest("Contract events", [hexParam("id", "contract id")]) },
      "/v1/contracts/{id}/query": {
        post: rest("Read-only call", [hexParam("id", "contract id")], { type: "object", required: ["fn"] }),
      },
      "/v1/contracts/{id}/simulate": {
        post: rest("Stateless simulation", [hexParam("id", "contract id")], {
          type: "object",
          required: ["fn"],
        }),
      },
      "/v1/shielded": { get: rest("Shielded pool: note count, root, pinned key hashes, gas") },
      "/v1/shielded/notes": { get: rest("Note index page: commitments and encrypted notes by position") },
      "/v1/shielded/nullifiers": {
        post: rest("Which nullifiers are spent", [], {
          type: "object",
          required: ["nullifiers"],
          properties: { nullifiers: { type: "array", items: { type: "string" }, maxItems: 256 } },
        }),
      },
      "/rpc": {
        post: {
          summary: "JSON-RPC 2.0 (single request or a batch of at most 20)",
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  oneOf: [
                    { oneOf: rpcVariants },
                    { type: "array", maxItems: 20, items: { oneOf: rpcVariants } },
                  ],
                },
              },
            },
          },
          responses: {
            "200": { description: "JSON-RPC response(s)" },
            "204": { description: "only notifications" },
          },
        },
      },
    },
  };
  return cached;
}
