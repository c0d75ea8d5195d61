// A streaming chat: tokens as they are generated, from DC1's /v1 (or, with DC1_ENDPOINT_URL,
// from a vllm_serve job's endpoint). Then the same prompt in a task cancelled after a few tokens.
import DC1
import Foundation

let model = "TinyLlama/TinyLlama-1.1B-Chat-v1.0"
do {
    let client = try DC1Client()
    let request = ChatRequest(
        model: model, messages: [.system("You are brief."), .user("Tell me about Riyadh")],
        maxTokens: 64, endpointURL: ProcessInfo.processInfo.environment["DC1_ENDPOINT_URL"])
    var pieces = 0
    for try await piece in client.chatStream(request) {
        print(piece, terminator: "")
        pieces += 1
    }
    print("\n(\(pieces) pieces)")

    // Breaking out of the loop closes the stream.
    var first = ""
    for try await piece in client.chatStream(request) {
        first += piece
        if first.count > 10 { break }
    }
    print("first words: \(first)")
    print("chat-stream: ok")
} catch {
    print("chat-stream failed: \(error.code): \(error.message)")
    exit(1)
}
