/*
The text of `wsterm --help`: readme.md's "Reference" block is this output, word for word
(test/help.cli.test.ts).
*/
const description = 'A WebSocket client for the terminal, for scripts, and a local echo server.';

const help = `
	Usage
	  $ wsterm [url] [options]          connect: full-screen in a terminal,
	                                    pipe mode when stdin/stdout is not one
	  $ wsterm serve [options]          a local echo (or broadcast) server
	  $ wsterm replay FILE [url]        send a recorded conversation again
	  $ wsterm bench URL [options]      load and latency: every reply
	                                    matched to its request
	  $ wsterm @NAME [options]          connect with a profile of wsterm.toml
	                                    (also: replay FILE @NAME, bench @NAME)
	  $ wsterm profiles                 list the profiles and their files
	  $ wsterm                          in a terminal: talk to a built-in
	                                    echo server
	  $ wsterm --help, -h, --version    anywhere on the line: print and exit

	Connection options
	  -H, --header "Name: value"  Add a request header (repeatable)
	  -b, --cookie "k=v"          Add a cookie (repeatable, one Cookie header)
	  -o, --origin URL            Origin header
	  -s, --subprotocol NAME      Offer a subprotocol (repeatable)
	  -A, --user-agent TEXT       User-Agent header
	      --auth USER:PASS        Basic authentication (or user:pass@ in the URL);
	                              with --protocol socketio, a JSON object is
	                              the namespace's auth payload; with --protocol
	                              stomp, CONNECT's login and passcode
	  -L, --follow-redirects      Follow HTTP redirects during the handshake
	      --unix-socket PATH      Connect through this unix socket (the URL
	                              still gives the Host, the path and ws/wss)
	      --resolve H:PORT:ADDR   Connect to ADDR for H:PORT (repeatable; Host,
	                              TLS name and certificate check stay H)
	      --connect-to H:P:H2:P2  Connect to H2:P2 for H:P (repeatable; an empty
	                              part matches any, or keeps the URL's)
	  -k, --insecure              Do not verify the server's TLS certificate
	      --ca FILE               Trust this CA certificate (PEM)
	      --cert FILE             Client certificate (PEM), with --key
	      --key FILE              Client private key (PEM)
	      --passphrase TEXT       Passphrase of the client key
	      --proxy URL             Proxy: http://, https://, socks5://, socks5h://
	                              (proxy resolves names), socks4a://, socks4://
	                              (default: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY,
	                              NO_PROXY from the environment)
	      --proxy-ca FILE         Trust this CA (PEM) for an https:// proxy
	      --proxy-insecure        Do not verify an https:// proxy's certificate
	      --compress              Offer permessage-deflate (off: costs CPU)
	      --connect-timeout SEC   Give up connecting after SEC seconds (10)
	      --max-payload BYTES     Largest message accepted (100 MiB)
	      --ping-interval SEC     Ping every SEC seconds, show the round trip
	      --ping-timeout SEC      Declare the connection dead when no pong comes
	                              within SEC seconds (default: the interval)
	      --reconnect             Reconnect after a drop (backoff with jitter)
	      --max-retries N         With --reconnect: give up after N failed
	                              attempts in a row (default: never)
	      --close-timeout SEC     Drop the connection when a close handshake
	                              takes longer than SEC seconds (5)
	  -I, --initial FILE          Send FILE's lines on every connect and reconnect

	Pipe mode (stdin or stdout not a terminal, or -x/--message/-n/-w/--jsonl)
	  -x, --execute MSG           Send MSG (repeatable); -x @FILE sends a file as
	                              one message (binary if it is not UTF-8),
	                              -x @@text sends "@text"; with -x, stdin is not
	                              read
	      --binary                Send messages as binary, byte for byte
	  -0, --null                  Split stdin on NUL instead of newlines; end
	                              each message on stdout with NUL
	  -n, --count N               Exit after receiving N messages, whatever
	                              stdin does (exit 5 if fewer come)
	  -w, --wait SEC              After sending, print replies for SEC seconds
	                              (-1: until the server closes; with -n,
	                              whichever comes first)
	      --linger SEC            Without -n and -w: after sending, close once
	                              as many messages came back as were sent, or
	                              after SEC seconds without one (2; 0: at once)
	      --jsonl                 One JSON object per event on stdout
	  -v, --verbose               Connection events on stderr
	  -P, --show-control          Also show ping, pong and close
	      --reply 'PAT => TEXT'   Send TEXT when a received message matches PAT
	                              (a regular expression; repeatable)
	      --until PATTERN         Pipe mode only: end after printing the first
	                              message that matches (exit 4 if the
	                              connection ends or -w runs out first)
	      --script FILE           JavaScript hooks: onOpen, onMessage, onSend,
	                              onClose (.js/.mjs/.cjs)
	      --record FILE           Write every event to FILE as JSON lines
	                              (for wsterm replay)
	      --decode CODEC          Decode binary messages received: msgpack,
	                              cbor, protobuf, gzip or deflate (shown as
	                              JSON; see Binary formats)
	      --encode CODEC          Send each line, read as JSON, as msgpack,
	                              cbor or protobuf (a line that is not JSON
	                              is not sent: exit 2)
	      --proto FILE            protobuf: a .proto file (repeatable)
	      --type NAME             protobuf: the message type (package.Message)
	      --protocol NAME         Speak a protocol over the socket: jsonrpc
	                              (JSON-RPC 2.0), graphql-ws
	                              (graphql-transport-ws or the legacy
	                              subscriptions-transport-ws), socketio
	                              (Socket.IO 4) or stomp (STOMP 1.2); see
	                              Protocols
	      --init JSON             graphql-ws: connection_init's payload
	      --subscribe DEST        stomp: subscribe to DEST (repeatable)
	      --send-to DEST          stomp: send each line to DEST (without it,
	                              a line is DEST BODY)
	      --vhost NAME            stomp: CONNECT's host header, the broker's
	                              virtual host (default: none, the broker's
	                              default one)
	      --socketio-path PATH    socketio: where the server listens (default
	                              /socket.io/); a URL with EIO= in its query
	                              is the engine URL itself, its path kept
	      --socketio-version N    socketio: 2 speaks Engine.IO 3 (Socket.IO 2);
	                              3 and 4 (the default) speak Engine.IO 4

	Profiles and variables (see Profiles)
	      --profile NAME          Use a profile of wsterm.toml or the user's
	                              config.toml, as @NAME does; flags win
	      --var NAME=VALUE        Set {{NAME}} (repeatable; wins over the
	                              profile's vars)
	      --template              Fill {{variables}} into each message sent
	                              (a line naming an undefined one is not
	                              sent: exit 2)
	      --message NAME          Send the profile's saved message NAME
	                              (repeatable, like -x)

	Replay (wsterm replay FILE [url]; FILE: JSON lines or a HAR file)
	      --pace MODE             reply: each message once the replies recorded
	                              after the previous one came (default);
	                              recorded: with the recorded gaps; fast
	      --reply-timeout SEC     Longest wait for recorded replies (5)
	      --check                 Compare the replies with the recorded ones
	      --ignore KEY            JSON key or STOMP header left out of --check
	                              (repeatable)
	      --unordered             --check matches replies in any order
	      --entry N               The HAR file's Nth WebSocket entry

	Bench (wsterm bench URL; the connection options apply)
	  -c, --connections N         Connections to open (1)
	      --ramp SEC              Open them evenly over SEC seconds
	  -d, --duration SEC          Send for SEC seconds, or
	  -m, --messages N            send N messages in all (one of -d, -m)
	  -x, --execute MSG           A message (repeatable, used in turn; -x @FILE);
	                              without -x, stdin's lines
	      --binary                Send the messages as binary
	      --window N              Closed loop: N requests in flight on each
	                              connection (1)
	      --rate N                Open loop: N messages a second in all, latency
	                              counted from each one's scheduled time
	      --match PATH|any        Pair a reply by the sequence number wsterm
	                              writes at the JSON key PATH (id,
	                              meta.requestId), or take the next message
	                              (any); default: the reply is the echo
	      --protocol NAME         Pair replies by the protocol's own ids: jsonrpc
	                              (request ids), graphql-ws (operation ids;
	                              --init JSON), socketio (ack ids; --auth JSON,
	                              --socketio-path PATH)
	      --timeout SEC           Unanswered after SEC seconds (10)
	      --json                  One JSON object on stdout instead of the table
	      --hist FILE             Write the latency histogram (HdrHistogram log)
	      --max-p99 MS            Exit 4 when p99 latency is over MS ms
	      --max-errors N          Exit 4 when errors, unanswered requests and
	                              failed connections are more than N
	      --min-rate N            Exit 4 when fewer than N answered a second

	Interactive session
	      --scrollback N          Rows kept in the message pane (10000)
	      --no-history            Do not read or save input history
	      --no-color              No colours (NO_COLOR and FORCE_COLOR work too)

	Serve options (wsterm serve)
	  -p, --port N                Port, 0 for any free one (8080)
	      --host ADDRESS          Address to bind (127.0.0.1)
	      --unix-socket PATH      Listen on this unix socket instead (prints
	                              ws+unix:PATH:/; a stale one is replaced)
	      --unix-mode MODE        The socket's permissions in octal (600)
	      --path PATH             Path to accept connections on (/)
	      --broadcast             Send each message to every other client
	  -o, --origin URL            Accept only this Origin (repeatable)
	  -s, --subprotocol NAME      Accept only these subprotocols (repeatable;
	                              default: the first one a client offers)
	      --tls-cert FILE         Serve wss:// with this certificate (PEM)
	      --tls-key FILE          ... and this key (PEM)
	      --compress              Offer permessage-deflate
	      --max-payload BYTES     Close larger messages with 1009 (16 MiB)
	      --max-connections N     Answer 503 beyond N clients
	      --ping-interval SEC     Drop clients that miss a ping (30; 0: never)
	  -v, --verbose               Log every message
	      --reply 'PAT => TEXT'   Answer a message matching PAT (a regular
	                              expression) with TEXT instead (repeatable)
	      --script FILE           Answer with a JavaScript module's hooks
	                              (.js/.mjs/.cjs; reloaded when it changes)
	      --replay FILE           Answer as the recorded server did (with
	                              --pace recorded: with its delays; a HAR
	                              file's entry chosen with --entry N)

	Exit codes
	  0    closed cleanly (1000, 1001, 1005, or closed by wsterm)
	  1    could not connect (DNS, refused, TLS, HTTP answer, timeout,
	       a --protocol handshake that did not finish), serve could
	       not listen, stdout could not be written, or bench opened
	       no connection
	  2    usage error; or --encode, --protocol or --template refused
	       a line (the rest was sent)
	  3    connection dropped, or closed with any other code
	  4    an expected message did not come: --until's before the
	       end, a JSON-RPC answer by --linger's end, or replay
	       --check's (a message differed, was missing or extra); or a
	       bench threshold (--max-p99, --max-errors, --min-rate) broke
	  5    -n N: fewer than N messages came (the server closed
	       first, or -w ran out)
	  130  interrupted (SIGINT), after closing and flushing
	  143  terminated (SIGTERM), likewise

	Examples
	  $ wsterm wss://echo.example.com
	  $ seq 1 5 | wsterm ws://127.0.0.1:8080 -n 5
	  $ wsterm wss://api.example.com/ws -x '{"op":"subscribe"}' -w 10 --jsonl
	  $ wsterm serve --port 0
`;

/** What --help prints: the description, then the text above, indented by two spaces. */
export function helpText(): string {
	return `\n  ${description}\n\n${help.replace(/^\n+|\s+$/g, '').replaceAll(/^\t/gm, '  ')}\n\n`;
}
