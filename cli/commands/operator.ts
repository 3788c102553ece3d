/**
 * `dusk-edge operator ...`: the operator API of a deployment (docs/STAKING.md, docs/RPC.md),
 * with the bearer token from --operator-token or DUSK_EDGE_OPERATOR_TOKEN (never printed):
 *   provisioners                     status of every provisioner the deployment hosts
 *   provisioner <node>               one: stake, eligibility, duties, faults, rewards, alert
 *   add-provisioner [--secret-file]  generate a key (or import one) into a free operator slot;
 *                                    prints the public key and proof of possession to stake with
 *   export-protection <node> --out   the slashing-protection record (EIP-3076-like JSON)
 *   import-protection <node> --file  merge a record (before moving a key to this deployment)
 *   resume <node>                    clear a doppelganger halt after the other signer is gone
 *   metrics                          the Prometheus text of /metrics
 */

import { readFileSync, writeFileSync } from "node:fs";
import { type Command, Option } from "commander";
import { CliError, type CommonOptions, jsonOption, NodeHttp, output, urlOption } from "../context.js";
import { EXIT } from "../exit.js";
import { runCommand } from "./run.js";

type OperatorOptions = CommonOptions & { operatorToken?: string };

const tokenOption = () =>
  new Option("--operator-token <token>", "the deployment's OPERATOR_TOKEN secret").env(
    "DUSK_EDGE_OPERATOR_TOKEN",
  );

function operatorNode(opts: OperatorOptions): NodeHttp {
  if (opts.operatorToken === undefined || opts.operatorToken.length === 0) {
    throw new CliError("OPERATOR_TOKEN_REQUIRED", "give --operator-token or DUSK_EDGE_OPERATOR_TOKEN");
  }
  return new NodeHttp(opts.url, opts.operatorToken);
}

function nodeIndex(raw: string): string {
  if (!/^(0|[1-9][0-9]{0,5})$/.test(raw)) throw new CliError("BAD_NODE", "a node is its index: 0, 1, 2, ...");
  return raw;
}

const withOperator = (c: Command) =>
  c.addOption(urlOption()).addOption(tokenOption()).addOption(jsonOption());

// biome-ignore lint/suspicious/noExplicitAny: the operator API's status objects, printed as JSON
type Json = any;

function statusLines(s: Json): string[] {
  const stake = s.stake?.stake ?? s.stake ?? {};
  return [
    `node ${s.index ?? "?"} ${s.publicKey ?? ""}`,
    `  stake ${stake.value ?? "-"}, eligible ${s.eligible ?? s.stake?.eligible ?? "-"}, rewards ${stake.reward ?? "-"}`,
    `  duties ${JSON.stringify(s.duties ?? {})}${s.halted ? `, HALTED: ${JSON.stringify(s.halted)}` : ""}`,
  ];
}

export function addOperatorCommands(program: Command, setExit: (code: number) => void): void {
  const op = program.command("operator").description("a deployment's operator API (bearer token)");

  withOperator(
    op.command("provisioners").description("status of every provisioner this deployment hosts"),
  ).action((opts: OperatorOptions) =>
    runCommand(opts, setExit, async () => {
      const r = await operatorNode(opts).ok<{ provisioners: Json[] }>("/v1/operator/provisioners");
      output(opts, r, r.provisioners.flatMap(statusLines));
      return EXIT.ok;
    }),
  );

  withOperator(op.command("provisioner").description("one provisioner's status").argument("<node>")).action(
    (node: string, opts: OperatorOptions) =>
      runCommand(opts, setExit, async () => {
        const r = await operatorNode(opts).ok<Json>(`/v1/operator/provisioners/${nodeIndex(node)}`);
        output(opts, r, statusLines({ index: node, ...r }));
        return EXIT.ok;
      }),
  );

  withOperator(
    op
      .command("add-provisioner")
      .description("generate a provisioner key in a free operator slot (or import one with --secret-file)")
      .option("--secret-file <file>", "import this BLS secret key (64 hex) instead of generating one"),
  ).action((opts: OperatorOptions & { secretFile?: string }) =>
    runCommand(opts, setExit, async () => {
      const body =
        opts.secretFile === undefined ? {} : { secretKey: readFileSync(opts.secretFile, "utf8").trim() };
      const r = await operatorNode(opts).ok<{ node: number; publicKey: string; proofOfPossession: string }>(
        "/v1/operator/provisioners",
        { method: "POST", body },
      );
      output(opts, r, [
        `node ${r.node}: provisioner ${r.publicKey}`,
        `stake it: dusk-edge stake add --from <wallet> --key ${r.publicKey} --pop ${r.proofOfPossession} --amount <units>`,
      ]);
      return EXIT.ok;
    }),
  );

  withOperator(
    op
      .command("export-protection")
      .description("write a provisioner's slashing-protection record (EIP-3076-like JSON)")
      .argument("<node>")
      .requiredOption("--out <file>", "where to write it"),
  ).action((node: string, opts: OperatorOptions & { out: string }) =>
    runCommand(opts, setExit, async () => {
      const r = await operatorNode(opts).ok<Json>(
        `/v1/operator/provisioners/${nodeIndex(node)}/slashing-protection`,
      );
      writeFileSync(opts.out, `${JSON.stringify(r, null, 2)}\n`);
      output(opts, { node: Number(node), out: opts.out }, [`wrote ${opts.out}`]);
      return EXIT.ok;
    }),
  );

  withOperator(
    op
      .command("import-protection")
      .description("merge a slashing-protection record into a provisioner of this deployment")
      .argument("<node>")
      .requiredOption("--file <file>", "the record (as export-protection wrote it)"),
  ).action((node: string, opts: OperatorOptions & { file: string }) =>
    runCommand(opts, setExit, async () => {
      let record: unknown;
      try {
        record = JSON.parse(readFileSync(opts.file, "utf8"));
      } catch (e) {
        throw new CliError("BAD_FILE", `${opts.file}: ${(e as Error).message}`);
      }
      const r = await operatorNode(opts).ok<Json>(
        `/v1/operator/provisioners/${nodeIndex(node)}/slashing-protection`,
        {
          method: "POST",
          body: record,
        },
      );
      output(opts, r, [`imported into node ${node}: ${JSON.stringify(r)}`]);
      return EXIT.ok;
    }),
  );

  withOperator(
    op
      .command("resume")
      .description("clear a doppelganger halt (only once the other signer is stopped)")
      .argument("<node>"),
  ).action((node: string, opts: OperatorOptions) =>
    runCommand(opts, setExit, async () => {
      const r = await operatorNode(opts).ok<Json>(`/v1/operator/provisioners/${nodeIndex(node)}/resume`, {
        method: "POST",
        body: {},
      });
      output(opts, r, [`node ${node} resumed`]);
      return EXIT.ok;
    }),
  );

  withOperator(op.command("metrics").description("the deployment's Prometheus metrics (text)")).action(
    (opts: OperatorOptions) =>
      runCommand(opts, setExit, async () => {
        operatorNode(opts);
        const r = await fetch(`${opts.url.replace(/\/$/, "")}/metrics`, {
          headers: { authorization: `Bearer ${opts.operatorToken}` },
          signal: AbortSignal.timeout(15_000),
        }).catch((e: Error) => {
          throw new CliError("NODE_UNREACHABLE", `cannot reach ${opts.url}: ${e.message}`);
        });
        const text = await r.text();
        if (r.status !== 200) throw new CliError(`HTTP_${r.status}`, text.slice(0, 200));
        if (opts.json) output(opts, { metrics: text }, []);
        else process.stdout.write(text);
        return EXIT.ok;
      }),
  );
}
