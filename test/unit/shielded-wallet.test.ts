import { describe, expect, it } from "vitest";
import {
  decodeAddress,
  decodeViewKey,
  encodeAddress,
  encodeViewKey,
  shieldedKeys,
} from "../../cli/shielded/keys.js";
import { decryptNote, encryptNote } from "../../cli/shielded/note-crypto.js";
import { ENCRYPTED_NOTE_BYTES } from "../../protocol/shielded.js";

const alice = shieldedKeys(new Uint8Array(32).fill(1));
const bob = shieldedKeys(new Uint8Array(32).fill(2));

describe("shielded wallet keys and encrypted notes", () => {
  it("derives distinct keys per seed and round-trips addresses and view keys", () => {
    expect(alice.ownerKey).not.toBe(bob.ownerKey);
    const address = encodeAddress(alice);
    expect(address).toMatch(/^zs[0-9a-f]{128}$/);
    expect(decodeAddress(address)).toEqual({ ownerKey: alice.ownerKey, viewPublic: alice.viewPublic });
    const view = decodeViewKey(encodeViewKey(alice));
    expect(view).toEqual({ viewSecret: alice.viewSecret, ownerKey: alice.ownerKey });
    expect(() => decodeAddress(`zs${"0".repeat(127)}`)).toThrow(/zs followed by 128 hex/);
    expect(() => decodeAddress(`zs${"f".repeat(128)}`)).toThrow(/field element/);
    expect(() => decodeViewKey("zv00")).toThrow(/zv followed by 128 hex/);
  });

  it("a note opens with the receiver's view key only, and any changed byte makes it unreadable", () => {
    const note = { value: 123_456_789n, blinding: new Uint8Array(32).fill(7) };
    const sealed = encryptNote(note, bob.viewPublic);
    expect(sealed).toHaveLength(ENCRYPTED_NOTE_BYTES);
    expect(decryptNote(sealed, bob.viewSecret)).toEqual(note);
    expect(decryptNote(sealed, alice.viewSecret)).toBeNull();
    for (const i of [0, 40, 80, ENCRYPTED_NOTE_BYTES - 1]) {
      const bad = sealed.slice();
      bad[i]! ^= 1;
      expect(decryptNote(bad, bob.viewSecret)).toBeNull();
    }
    expect(decryptNote(sealed.subarray(1), bob.viewSecret)).toBeNull();
    // A low-order ephemeral key (all zeros) is refused, not an exception.
    const lowOrder = sealed.slice();
    lowOrder.fill(0, 0, 32);
    expect(decryptNote(lowOrder, bob.viewSecret)).toBeNull();
    // Two encryptions of one note look unrelated (fresh ephemeral keys).
    expect(encryptNote(note, bob.viewPublic)).not.toEqual(sealed);
  });
});
