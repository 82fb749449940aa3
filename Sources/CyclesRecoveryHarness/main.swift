import Foundation
import Logging

/// `cycles-recovery-harness`: the process-level half of the durable-recovery tests and the recovery adapter.
///
///     cycles-recovery-harness replay                 # a fresh client from CYCLES_* (journal dir only) replays
///     cycles-recovery-harness settle ESTIMATE ACTUAL # reserve, then commit ACTUAL (USD microcents)
///     cycles-recovery-harness adapter SCENARIO-ID    # the SDK recovery profile's process adapter
///
/// `replay` and `settle` print one JSON line on stdout; logs go to stderr.
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .info
    return handler
}

let arguments = Array(CommandLine.arguments.dropFirst())
let code: Int32
switch arguments.first {
case "replay" where arguments.count == 1:
    code = await WorkerCommand.replay()
case "settle" where arguments.count == 3:
    code = await WorkerCommand.settle(estimate: arguments[1], actual: arguments[2])
case "adapter":
    code = await RecoveryAdapter.main(Array(arguments.dropFirst()))
default:
    FileHandle.standardError.write(Data("usage: cycles-recovery-harness replay | settle ESTIMATE ACTUAL | adapter SCENARIO-ID\n".utf8))
    code = 2
}
exit(code)
