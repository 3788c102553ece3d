// Types of the workerd test environment: `cloudflare:test` helpers and this worker's bindings.
/// <reference types="@cloudflare/vitest-pool-workers/types" />

import type { Env as WorkerEnv } from "../../durable/env.js";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {}
    interface GlobalProps {
      mainModule: typeof import("../../workers/gateway/index.js");
    }
  }
}
