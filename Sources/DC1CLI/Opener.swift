import DC1Core
import Glibc

/// `dc1 output --save FILE --open`: hands the file to the desktop's opener when there is a
/// desktop and an opener (xdg-open on PATH, and DISPLAY or WAYLAND_DISPLAY set); otherwise
/// says where the file is. The opener runs on its own; dc1 does not wait for it.
enum Opener {
    static func open(_ path: String, _ console: Console) {
        let desktop = getenv("DISPLAY") != nil || getenv("WAYLAND_DISPLAY") != nil
        guard desktop, let opener = findOnPath("xdg-open") else {
            console.err("(no desktop opener here: the file is \(absolute(path)))")
            return
        }
        var pid = pid_t()
        let args = [opener, absolute(path)]
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        if posix_spawn(&pid, opener, &actions, nil, &argv, environ) == 0 {
            console.err("(opened with \(opener))")
        } else {
            console.err("(\(opener) could not be started: the file is \(absolute(path)))")
        }
    }

    static func findOnPath(_ name: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        guard let cwd = getcwd(nil, 0) else { return path }
        defer { free(cwd) }
        return String(cString: cwd) + "/" + path
    }
}
