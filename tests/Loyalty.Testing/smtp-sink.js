// A real SMTP server for the tests (the smtp-server package, pinned in package-lock.json):
// accepts every message on 127.0.0.1:<port> without TLS or login, refuses recipients whose
// local part starts with "bounce" with 550 5.1.1, and prints each message it accepted as one
// JSON line {"to":[...],"raw":"<base64 of the message>"} on stdout. SMTP_DELAY_MS slows each
// message down (a crash test needs a dispatcher caught mid-batch).
const { SMTPServer } = require("smtp-server");

const port = Number(process.argv[2]);
const delay = Number(process.env.SMTP_DELAY_MS || 0);
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onRcptTo(address, session, callback) {
    if (/^bounce/i.test(address.address)) {
      const err = new Error("5.1.1 mailbox unavailable");
      err.responseCode = 550;
      return callback(err);
    }
    callback();
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on("data", (c) => chunks.push(c));
    stream.on("end", () => {
      setTimeout(() => {
        const raw = Buffer.concat(chunks).toString("base64");
        process.stdout.write(JSON.stringify({ to: session.envelope.rcptTo.map((r) => r.address), raw }) + "\n");
        callback();
      }, delay);
    });
  },
});
server.listen(port, "127.0.0.1", () => process.stdout.write("listening " + port + "\n"));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
