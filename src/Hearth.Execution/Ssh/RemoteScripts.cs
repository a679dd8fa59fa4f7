namespace Hearth.Execution.Ssh;

/// <summary>
/// The shell programs the SSH transport runs on a server, for <c>sh -c</c> (POSIX sh, coreutils, util-linux's setsid,
/// procps's pkill when there). They are constant text: every value reaches them as a quoted positional argument (ids,
/// actions, numbers) or on stdin (inputs, the script), never spliced into the program.
/// </summary>
/// <remarks>
/// A deployment's working folder on the server is <c>ROOT/ID</c> (0700), as on LOCAL; each run of an action has a record
/// <c>runs/ACTION.ATTEMPT/</c> beside it: <c>engine</c> (the engine that answers for it), <c>pid</c> (the script's
/// session leader and its start time), <c>stdout</c>, <c>stderr</c>, and <c>status</c> once it ended. The script runs
/// detached from the SSH session (a session of its own, output to files), so a dropped connection neither kills nor
/// loses it: the transport tries again with the same attempt, and the record makes the retry wait for the run that
/// started instead of starting it twice.
/// </remarks>
internal static class RemoteScripts
{
    /// <summary>
    /// Functions every program uses; <c>$1</c> is the remote root (relative to the home folder unless absolute). A run's
    /// pid file holds no start time when the script had ended before it was read: such a run is not alive.
    /// </summary>
    private const string Prelude = """
        set -u
        umask 077
        st() { s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; s=${s##*) }; set -- $s; [ "$1" = Z ] && return 1; shift 19; echo "$1"; }
        alive() { [ -n "$1" ] && [ -n "$2" ] && [ "$(st "$1")" = "$2" ]; }
        members() { command -v pgrep >/dev/null 2>&1 && pgrep -s "$1" >/dev/null 2>&1; }
        killall_() { kill -9 -"$1" 2>/dev/null; command -v pkill >/dev/null 2>&1 && pkill -9 -s "$1" 2>/dev/null; return 0; }
        stop() {
          if read -r p t < "$1/pid" 2>/dev/null && alive "$p" "$t"; then
            a=${1##*/}; a=${a%%.*}; killall_ "$p"; i=0
            while { alive "$p" "$t" || members "$p"; } && [ $i -lt 100 ]; do sleep 0.1; killall_ "$p"; i=$((i+1)); done
            if alive "$p" "$t"; then echo "alive $p $a"; else echo "stopped $p $a"; fi
          fi
        }
        root=$1; case $root in /*) ;; *) root="$HOME/$root";; esac

        """;

    /// <summary>
    /// Runs (or, for an attempt that already started, waits for) one action's script, first stopping any other run of
    /// the deployment still going (a dead engine's; one round trip instead of two). Arguments: root, deployment id,
    /// action, attempt, engine, max bytes kept, 1 when the script has a #! line. Stdin: "ENVLEN SCRIPTLEN NAMESLEN\n",
    /// then the environment (export lines), the script, the declared output names (one a line). Replies on stdout:
    /// "leftover stopped|alive PID ACTION" per other run found running (after an alive one, only "end": nothing ran),
    /// "status N|none", "stdout TOTAL KEPT\n" and that tail, the same for stderr, per output "output LEN NAME\n" and
    /// its bytes or "refused KIND SIZE NAME", then "end". Exit 3: the working folder could not be made.
    /// </summary>
    public const string Run = Prelude + """
        dir="$root/$2"; action=$3; run="runs/$3.$4"; max=$6
        mkdir -p "$dir/outputs" "$dir/runs" && chmod 700 "$root" "$dir" "$dir/outputs" "$dir/runs" && cd "$dir" \
          || { echo "hearth: cannot make the working folder $dir" >&2; exit 3; }
        IFS=' ' read -r envlen scriptlen nameslen || { echo "hearth: no request on stdin" >&2; exit 3; }
        if mkdir "$run" 2>/dev/null; then
          blocked=
          for old in runs/*; do
            [ "$old" = "$run" ] || [ ! -d "$old" ] && continue
            left=$(stop "$old")
            if [ -n "$left" ]; then echo "leftover $left"; case $left in alive*) blocked=1;; esac; fi
          done
          if [ -n "$blocked" ]; then rm -rf "$run"; cat > /dev/null; echo end; exit 0; fi
          echo "$5" > "$run/engine"
          head -c "$envlen" > "$run/env"; head -c "$scriptlen" > "$action"; head -c "$nameslen" > "$run/names"
          chmod 700 "$action"; rm -f "outputs/$action".*
          for old in runs/*; do
            [ "$old" = "$run" ] && continue
            if ! { read -r p t < "$old/pid" && alive "$p" "$t"; } 2>/dev/null; then rm -rf "$old"; fi
          done
          if [ "$7" = 1 ]; then set -- "./$action"; else set -- /bin/sh "./$action"; fi
          setsid sh -c 'exec 3< "$0/env" && rm -f "$0/env" && . /dev/fd/3 && exec 3<&- && "$@"; echo $? > "$0/status"' "$run" "$@" \
            < /dev/null > "$run/stdout" 2> "$run/stderr" &
          pid=$!
          echo "$pid $(st "$pid")" > "$run/pid"
          wait "$pid"
        else
          cat > /dev/null
          if read -r pid ticks < "$run/pid" 2>/dev/null; then
            while alive "$pid" "$ticks"; do sleep 0.1; done
          fi
        fi
        if [ -s "$run/status" ]; then read -r code < "$run/status"; echo "status $code"; else echo "status none"; fi
        for s in stdout stderr; do
          n=$(wc -c < "$run/$s" 2>/dev/null) || n=0
          k=$n; [ "$k" -gt "$max" ] && k=$max
          echo "$s $n $k"; tail -c "$k" "$run/$s" 2>/dev/null | head -c "$k"
        done
        while IFS= read -r name; do
          f="outputs/$action.$name"
          if [ -L "$f" ]; then echo "refused link 0 $name"
          elif [ ! -e "$f" ]; then :
          elif [ ! -f "$f" ]; then echo "refused special 0 $name"
          else
            head -c "$((max + 1))" "$f" > "$run/out"; n=$(wc -c < "$run/out")
            if [ "$n" -gt "$max" ]; then echo "refused large $(wc -c < "$f") $name"; else echo "output $n $name"; cat "$run/out"; fi
            rm -f "$run/out"
          fi
        done < "$run/names"
        echo end
        """;

    /// <summary>
    /// Stops what runs for one deployment: every run record (<c>*</c>) or one (<c>ACTION.ATTEMPT</c>). Arguments: root,
    /// deployment id, which. Prints "stopped PID ACTION" or "alive PID ACTION" (it outlived SIGKILL) per run it found running.
    /// </summary>
    public const string Stop = Prelude + """
        for r in "$root/$2"/runs/$3; do [ -d "$r" ] && stop "$r"; done
        exit 0
        """;

    /// <summary>Lists the runs still running under the root: "running ID ACTION.ATTEMPT ENGINE…" a line. Argument: root.</summary>
    public const string List = Prelude + """
        for r in "$root"/*/runs/*; do
          [ -d "$r" ] || continue
          if read -r p t < "$r/pid" 2>/dev/null && alive "$p" "$t"; then
            d=${r%/runs/*}; echo "running ${d##*/} ${r##*/} $(cat "$r/engine" 2>/dev/null)"
          fi
        done
        exit 0
        """;

    /// <summary>Removes a deployment's working folder. Arguments: root, deployment id.</summary>
    public const string Remove = Prelude + """
        rm -rf "$root/$2"
        """;

    /// <summary>The command line for the login shell: <c>sh -c PROGRAM hearth ARG…</c>, every word quoted.</summary>
    public static string Command(string program, params IEnumerable<string> arguments) =>
        string.Join(' ', ["sh", "-c", ShellText.Quote(program), "hearth", .. arguments.Select(ShellText.Quote)]);
}
