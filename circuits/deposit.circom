// Deposit: a public amount into a new note. Development setup: scripts/zk-dev-setup.mjs.
pragma circom 2.0.0;
include "notes.circom";
component main {public [commitment, value]} = Deposit();
