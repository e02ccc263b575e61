// Loaded with `node -r` by the bench: prints the berth process's own peak RSS at exit (helm and git
// children are separate processes and not counted; /usr/bin/time's figure includes them).
process.on("exit", () => process.stderr.write(`\nBENCH-SELF-RSS ${process.resourceUsage().maxRSS}\n`));
