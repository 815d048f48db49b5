import Foundation
import RoadSenseHost

// `roadsense`: the host and its command line. See `roadsense help` and README.md.
exit(RoadSenseCommand.main(Array(CommandLine.arguments.dropFirst())))
