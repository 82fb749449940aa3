/// Escaping shared by the HTML and JUnit XML reports: the five markup characters become entities (valid in element
/// content and quoted attributes of both), tab and line breaks stay, and every other control character becomes
/// `controlReplacement` (neither format can carry it).
enum MarkupEscaping {
    static func escape(_ text: String, controlReplacement: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\n", "\t", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += controlReplacement
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
