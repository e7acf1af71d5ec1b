#!/usr/bin/env node
// An example judge for judgeprobe's `command` backend, written in JavaScript (Node.js, no dependencies).
//
//   judgeprobe run --judge "command:node examples/judges/judge.js" ...
//
// Contract (docs/judge-contract.md): one request as JSON on stdin, one verdict as JSON on stdout,
// exit status 0. This judge compares answers after loose normalisation (case, spaces, `$`, a final
// period): grade -> correct when the response equals the reference; pairwise -> the response that equals
// the reference, else a tie; score -> 10 for a match, 3 for a mismatch, 5 without a reference.
"use strict";

function loose(text) {
  return String(text ?? "")
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\s+/g, "")
    .replace(/\$/g, "")
    .replace(/\.+$/, "");
}

function judge(request) {
  const reference = request.reference == null ? null : loose(request.reference);
  const matches = request.responses.map((text) => reference !== null && loose(text) === reference);
  switch (request.mode) {
    case "grade":
      return {
        outcome: matches[0] ? "correct" : "incorrect",
        extracted_answer: String(request.responses[0] ?? "").trim(),
        reasoning: matches[0] ? "equal after normalisation" : "different after normalisation",
      };
    case "pairwise": {
      // Answer by response id, so the verdict does not depend on the order of presentation.
      let outcome = "tie";
      if (matches[0] !== matches[1]) outcome = request.response_ids[matches[0] ? 0 : 1];
      return { outcome };
    }
    case "score":
      return { outcome: reference === null ? 5 : matches[0] ? 10 : 3 };
    default:
      return { status: "skipped", reason: `unknown mode ${request.mode}` };
  }
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  input += chunk;
});
process.stdin.on("end", () => {
  let request;
  try {
    request = JSON.parse(input);
  } catch (error) {
    process.stderr.write(`judge.js: stdin is not JSON: ${error.message}\n`);
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(judge(request)) + "\n");
});
