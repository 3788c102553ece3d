// The shielded transfer circuit at the chain's note-tree depth (20). Development setup:
// scripts/zk-dev-setup.mjs.
pragma circom 2.0.0;
include "notes.circom";
component main {public [root, nullifiers, outCommitments, fee, withdrawal, binding]} = Transfer(20);
