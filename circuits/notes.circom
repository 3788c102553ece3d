// Shielded notes (issue 6, part 5; Phoenix-like, in the style of Dusk's notes). DEVELOPMENT
// circuits: the trusted setup made by scripts/zk-dev-setup.mjs is for development only.
//
//   owner key   = Poseidon(secret)                       (knowing `secret` is owning the note)
//   commitment  = Poseidon(value, owner key, blinding)   (a leaf of the note tree)
//   nullifier   = Poseidon(secret, position)             (published when the note is spent)
//   note tree   = binary Merkle tree of Poseidon(left, right), empty leaves 0, depth >= 20
//
// protocol/notes.ts computes the same values outside the circuit. Every value is range-checked to
// 64 bits, so sums of two or three values cannot wrap around the field.
pragma circom 2.0.0;

include "circomlib/circuits/poseidon.circom";

template OwnerKey() {
    signal input secret;
    signal output key;
    component h = Poseidon(1);
    h.inputs[0] <== secret;
    key <== h.out;
}

template NoteCommitment() {
    signal input value;
    signal input ownerKey;
    signal input blinding;
    signal output out;
    component h = Poseidon(3);
    h.inputs[0] <== value;
    h.inputs[1] <== ownerKey;
    h.inputs[2] <== blinding;
    out <== h.out;
}

template Nullifier() {
    signal input secret;
    signal input position;
    signal output out;
    component h = Poseidon(2);
    h.inputs[0] <== secret;
    h.inputs[1] <== position;
    out <== h.out;
}

// in < 2^n (n <= 252): the bits are constrained to 0/1 and to sum back to `in`.
template RangeCheck(n) {
    signal input in;
    signal bits[n];
    var acc = 0;
    var weight = 1;
    for (var i = 0; i < n; i++) {
        bits[i] <-- (in >> i) & 1;
        bits[i] * (bits[i] - 1) === 0;
        acc += bits[i] * weight;
        weight += weight;
    }
    acc === in;
}

// Root of the tree from a leaf, its position bits (least significant = lowest level) and the
// siblings on the way up; `position` is the leaf index the bits spell.
template MerkleRoot(depth) {
    signal input leaf;
    signal input pathBits[depth];
    signal input siblings[depth];
    signal output root;
    signal output position;

    signal cur[depth + 1];
    signal left[depth];
    component h[depth];
    cur[0] <== leaf;
    var pos = 0;
    for (var i = 0; i < depth; i++) {
        pathBits[i] * (pathBits[i] - 1) === 0;
        // bit 0: cur is the left child; bit 1: the sibling is.
        left[i] <== cur[i] + pathBits[i] * (siblings[i] - cur[i]);
        h[i] = Poseidon(2);
        h[i].inputs[0] <== left[i];
        h[i].inputs[1] <== cur[i] + siblings[i] - left[i];
        cur[i + 1] <== h[i].out;
        pos += pathBits[i] * (1 << i);
    }
    root <== cur[depth];
    position <== pos;
}

// Two notes in, two notes out, a public fee, an optional public withdrawal, and `binding`, a
// public hash of the rest of the transaction (chain id, one-time key, withdrawal recipient,
// encrypted notes: protocol/shielded.ts shieldedBinding) that ties the proof to that transaction.
// A zero-value input needs no membership (so one real note can be spent alone); its nullifier is
// still published and must still be unused on chain.
template Transfer(depth) {
    // public
    signal input root;
    signal input nullifiers[2];
    signal input outCommitments[2];
    signal input fee;
    signal input withdrawal;
    signal input binding;
    // private: inputs
    signal input inValue[2];
    signal input inSecret[2];
    signal input inBlinding[2];
    signal input inPathBits[2][depth];
    signal input inSiblings[2][depth];
    // private: outputs
    signal input outValue[2];
    signal input outOwnerKey[2];
    signal input outBlinding[2];

    component key[2];
    component commitment[2];
    component tree[2];
    component nullifier[2];
    component inRange[2];
    component outRange[2];
    component outCommitment[2];
    for (var i = 0; i < 2; i++) {
        inRange[i] = RangeCheck(64);
        inRange[i].in <== inValue[i];
        key[i] = OwnerKey();
        key[i].secret <== inSecret[i];
        commitment[i] = NoteCommitment();
        commitment[i].value <== inValue[i];
        commitment[i].ownerKey <== key[i].key;
        commitment[i].blinding <== inBlinding[i];
        tree[i] = MerkleRoot(depth);
        tree[i].leaf <== commitment[i].out;
        for (var j = 0; j < depth; j++) {
            tree[i].pathBits[j] <== inPathBits[i][j];
            tree[i].siblings[j] <== inSiblings[i][j];
        }
        // membership, unless the note is worth nothing
        (tree[i].root - root) * inValue[i] === 0;
        nullifier[i] = Nullifier();
        nullifier[i].secret <== inSecret[i];
        nullifier[i].position <== tree[i].position;
        nullifiers[i] === nullifier[i].out;

        outRange[i] = RangeCheck(64);
        outRange[i].in <== outValue[i];
        outCommitment[i] = NoteCommitment();
        outCommitment[i].value <== outValue[i];
        outCommitment[i].ownerKey <== outOwnerKey[i];
        outCommitment[i].blinding <== outBlinding[i];
        outCommitments[i] === outCommitment[i].out;
    }
    component feeRange = RangeCheck(64);
    feeRange.in <== fee;
    component withdrawalRange = RangeCheck(64);
    withdrawalRange.in <== withdrawal;
    // value balance: 65-bit sums of 64-bit values cannot wrap mod r
    inValue[0] + inValue[1] === outValue[0] + outValue[1] + fee + withdrawal;
    // bind `binding` to the proof (a square, so the constraint is not optimised away)
    signal bindingSquare;
    bindingSquare <== binding * binding;
}

// A public amount becomes a note: proves `commitment` commits to `value` without revealing the
// owner key or the blinding.
template Deposit() {
    signal input commitment;
    signal input value;
    signal input ownerKey;
    signal input blinding;
    component range = RangeCheck(64);
    range.in <== value;
    component c = NoteCommitment();
    c.value <== value;
    c.ownerKey <== ownerKey;
    c.blinding <== blinding;
    commitment === c.out;
}
