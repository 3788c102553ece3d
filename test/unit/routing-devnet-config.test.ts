// Devnet configuration for several deployments (durable/devnet-config.ts): which provisioners a
// deployment hosts, its public address, its bootstrap list, and the refusals of bad values.
import { describe, expect, it } from "vitest";
import {
  BOOTSTRAP_PEERS_MAX,
  bootstrapOf,
  devnetConfig,
  localNodeOf,
  nodeAddress,
} from "../../durable/devnet-config.js";

describe("devnetConfig: deployments sharing one genesis", () => {
  it("hosts every provisioner under DO names by default", () => {
    const c = devnetConfig({
      DEVNET_NODES: "3",
      DEVNET_LOCAL_NODES: "",
      PUBLIC_URL: "",
      BOOTSTRAP_PEERS: "",
    });
    expect(c.local).toEqual([0, 1, 2]);
    expect(c.publicUrl).toBeNull();
    expect(nodeAddress(c, 2)).toBe("node-2");
    expect(bootstrapOf(c, 0)).toEqual([]);
    expect(bootstrapOf(c, 2)).toEqual(["node-0"]);
  });

  it("hosts the listed provisioners under its public URL and bootstraps from the list", () => {
    const c = devnetConfig({
      DEVNET_NODES: "7",
      DEVNET_LOCAL_NODES: " 3,2 ,3",
      PUBLIC_URL: "ws://127.0.0.1:8812/",
      BOOTSTRAP_PEERS: "ws://127.0.0.1:8811/v1/p2p?node=0, ws://10.0.0.2:9000/v1/p2p?node=4",
    });
    expect(c.local).toEqual([2, 3]);
    expect(nodeAddress(c, 3)).toBe("ws://127.0.0.1:8812/v1/p2p?node=3");
    expect(localNodeOf(c, "ws://127.0.0.1:8812/v1/p2p?node=3")).toBe(3);
    expect(localNodeOf(c, "node-2")).toBe(2);
    expect(localNodeOf(c, "ws://127.0.0.1:8812/v1/p2p?node=4")).toBeNull();
    expect(localNodeOf(c, "ws://127.0.0.1:8811/v1/p2p?node=3")).toBeNull();
    // The first local node dials the list; the others dial the first local node.
    expect(bootstrapOf(c, 2)).toEqual([
      "ws://127.0.0.1:8811/v1/p2p?node=0",
      "ws://10.0.0.2:9000/v1/p2p?node=4",
    ]);
    expect(bootstrapOf(c, 3)).toEqual(["ws://127.0.0.1:8812/v1/p2p?node=2"]);
  });

  it("refuses indexes outside the genesis, non-ws URLs, too many peers, and peers without a public URL", () => {
    expect(() => devnetConfig({ DEVNET_NODES: "4", DEVNET_LOCAL_NODES: "1,4" })).toThrow(
      /DEVNET_LOCAL_NODES/,
    );
    expect(() => devnetConfig({ DEVNET_LOCAL_NODES: "x" })).toThrow(/DEVNET_LOCAL_NODES/);
    expect(() => devnetConfig({ PUBLIC_URL: "http://127.0.0.1:8787" })).toThrow(/PUBLIC_URL/);
    expect(() =>
      devnetConfig({ PUBLIC_URL: "ws://127.0.0.1:1", BOOTSTRAP_PEERS: "ws://a:1/v1/p2p?node=0,https://b" }),
    ).toThrow(/BOOTSTRAP_PEERS entry/);
    const many = Array.from({ length: BOOTSTRAP_PEERS_MAX + 1 }, (_, i) => `ws://h${i}:1/v1/p2p`).join(",");
    expect(() => devnetConfig({ PUBLIC_URL: "ws://127.0.0.1:1", BOOTSTRAP_PEERS: many })).toThrow(/at most/);
    expect(() => devnetConfig({ BOOTSTRAP_PEERS: "ws://127.0.0.1:8811/v1/p2p?node=0" })).toThrow(
      /needs PUBLIC_URL/,
    );
  });
});
