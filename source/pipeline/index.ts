/*
The message pipeline: per connection, the one place that runs the stages between the Connection
and a consumer (pipe mode's printer, the session, serve's per-client answer), in this order:

  incoming:  Connection -> codec -> protocol -> hooks -> recorder -> consumer (sink.deliver / sink.event)
  outgoing:  consumer -> template -> hooks -> protocol -> codec -> recorder -> Connection (sink.transmit)

Only the stages asked for are in the list, and each stage's code is loaded only then (see
cli/load-stages.ts: a dynamic import per stage), so a feature not used costs nothing.

This folder owns the stage interface (stage.ts), the message (message.ts) and the runner
(pipeline.ts, serial.ts). It imports only shared/ and connection/'s event types: never a concrete
stage (codecs/, protocols/, automation/, replay/), which import it; the list of stages for a run
is put together outside it, in cli/load-stages.ts.

Writing a stage (a StageFactory, see stage.ts):

  export function msgpackStage(options): StageFactory {
    return link => ({
      name: 'msgpack',
      receive(message, next) {                  // one at a time, in order
        next(message.annotate({decoded: decode(message.data), badge: 'msgpack'}));
      },
      send(message, next) {                     // may return a promise: what follows waits
        next(new PipelineMessage(encode(message.decoded ?? message.json()), true));
      },
      event(event) {},                          // open, ping, pong, close, in order with messages
      closing() {},                             // about to close: a goodbye, a promise holds the close
    });
  }

- Received messages keep their wire `data`; a stage adds what it found with `annotate()`
  (`decoded`, `badge`, ...; add a field to Annotations in message.ts for anything new) and display
  and --jsonl read those fields. It may also call next() zero times (swallow a protocol's own
  message) or several times (split a batch).
- Outgoing, a stage passes on the message it was given or a new one (an encoded frame).
- A stage that talks on its own (a protocol's handshake or heartbeat, hooks' ctx.send, --reply)
  calls link.send(message): it enters the outgoing path just after that stage, so it is encoded,
  recorded and shown like any other. link.exit(code) ends the run after what it passed on.
- A stage never throws: it reports through link.error and goes on.

Adding a stage: give it a folder (source/codecs/ ...), export a factory from a module that
imports its library, and add one entry to loadStages() in cli/load-stages.ts, in its place in the
order above: codec first, then protocol, then hooks, then template (the first a message to send
meets); the recorder is a tap (last both ways).

Using a pipeline (a consumer):

  const pipeline = createPipeline(await loadStages(choices), sink);  // once per connection (across reconnects)
  connection 'message':   if (!pipeline.receive(createMessage(data, isBinary))) pause the socket, resume on settled()
  connection events:      pipeline.event({type: 'open', ...openEvent}) (ping, pong, close likewise)
  to send:                if (!pipeline.send(createMessage(data, isBinary))) stop reading input until 'drain' / settled()
  sink.deliver(message):  print or show message.shown ?? message (null: hidden, still counted)
  sink.event(event):      the consumer's own open/close handling; {type: 'exit', code} ends the run
  to close:               pipeline.closing(() => connection.close(code, reason))  // after the stages' goodbyes (bounded)
  -I's lines:             connection.takeInitialMessages(), then pipeline.send() each after the open's sink.event
*/
export {type Annotations, createMessage, type DecodedView, messageFrom, PipelineMessage, type Sendable} from './message.js';
export {createPipeline, type Pipeline, type PipelineOptions, type PipelineSink} from './pipeline.js';
export type {Next, PipelineEvent, Stage, StageFactory, StageLink, StageResult} from './stage.js';
