namespace Hearth.Execution.Ssh;

/// <summary>
/// The shell program the SSH transport keeps running on each server: a dispatcher (POSIX sh, coreutils, util-linux's setsid; procps's
/// pkill/pgrep when there) that reads requests on its stdin and answers with framed replies on its stdout, so that a
/// deployment costs no ssh client, no SSH channel and no login shell of its own. It is constant text: every value
/// reaches it as a word of a request line (ids, actions, numbers, each checked by the engine) or as counted bytes after
/// it (inputs, the script), never spliced into a program.
/// </summary>
/// <remarks>
/// <para>
/// Requests, one line each: <c>run TAG ID ACTION ATTEMPT SHEBANG</c> followed by the payload of
/// <see cref="RemoteEnvironment.Payload"/>; <c>stop TAG ID WHICH</c> (<c>*</c> or <c>ACTION.ATTEMPT</c>);
/// <c>list TAG</c>; <c>remove TAG ID</c>. Each is served by a background job, so a long script never holds up the
/// next request. A reply is <c>TAG CODE LENGTH\n</c> and LENGTH bytes (the program's output; with a CODE other than 0,
/// what went wrong); a token passed through a FIFO lets one job write at a time. The first frame, tag 0, says the
/// dispatcher is ready.
/// </para>
/// <para>
/// A deployment's working folder on the server is <c>ROOT/ID</c> (0700), as on LOCAL; each run of an action has a
/// record <c>runs/ACTION.ATTEMPT/</c> beside it, made (atomically, by mkdir) before anything of the run is written:
/// <c>pid</c> (the script's session leader and its start time, then on a line of its own the engine that answers for
/// the run; a record made by an earlier Hearth names the engine in a file <c>engine</c>, still read), <c>stdout</c>,
/// <c>stderr</c>, and <c>status</c> once it ended. A new deployment's script is written in its place as the request is
/// read; a later action's waits in the record (<c>script</c>) until what an earlier run left going is stopped. Every
/// file a run makes is a new inode on the host, and on a busy filesystem each costs about half what starting a
/// process does: a run makes no file it does not need. The script runs detached (a session of its own,
/// output to files), so neither a dropped connection nor a killed dispatcher kills or loses it: the engine asks again
/// with the same attempt, and the record makes the new request wait for the run that started instead of starting it
/// twice. Its status is written by the dispatcher's job that started it, which a dropped connection leaves running (sshd
/// signals nothing it started without a terminal); a stop marks the record first (<c>stopped</c>), so that a stopped run
/// has no status. Only a job killed by hand loses the status of its run, which is then reported as ended without one:
/// a runner shell in the script's own session would keep it, at a fork and a start of <c>sh</c> more a run (about a
/// fifth of the host's CPU for a run of a short script, measured by <c>bench/ssh_dispatcher_cpu.py</c>).
/// </para>
/// </remarks>
internal static class RemoteScripts
{
    /// <summary>The tag of the frame the dispatcher writes once it is ready.</summary>
    public const long ReadyTag = 0;

    /// <summary>
    /// The dispatcher. Arguments: root (relative to the home folder unless absolute), max bytes kept of each stream and
    /// output file. The engine a run answers to comes with its request (the last field of the payload's first line), so
    /// that one session can serve one engine after another (see <see cref="SshSessionBroker"/>).
    /// </summary>
    public const string Dispatcher = """
        set -u
        umask 077
        # A reply written after the engine's end went (a killed command, a dropped channel) fails instead of killing its job
        # with SIGPIPE, which would take the turn to write (the token) with it and leave every other job waiting for it.
        # The scripts get the default back.
        trap '' PIPE
        # st PID: the start time of a live (not zombie) process into $ticks; reads /proc with builtins only.
        st() { stat_=; read -r stat_ 2>/dev/null < "/proc/$1/stat" || return 1; stat_=${stat_##*) }; set -- $stat_; [ "$1" = Z ] && return 1; shift 19; ticks=$1; }
        alive() { [ -n "$1" ] && [ -n "$2" ] && st "$1" && [ "$ticks" = "$2" ]; }
        members() { command -v pgrep >/dev/null 2>&1 && pgrep -s "$1" >/dev/null 2>&1; }
        killall_() { kill -9 -"$1" 2>/dev/null; command -v pkill >/dev/null 2>&1 && pkill -9 -s "$1" 2>/dev/null; return 0; }
        # stop RECORD: kills the run's session if it runs; $left says "stopped|alive PID ACTION", or is empty.
        stop() {
          left=
          if read -r p pt 2>/dev/null < "$1/pid" && alive "$p" "$pt"; then
            a=${1##*/}; a=${a%%.*}; : > "$1/stopped"; killall_ "$p"; i=0
            while { alive "$p" "$pt" || members "$p"; } && [ $i -lt 100 ]; do sleep 0.1; killall_ "$p"; i=$((i+1)); done
            if alive "$p" "$pt"; then left="alive $p $a"; else left="stopped $p $a"; fi
          fi
        }
        # send TAG CODE FILE [LENGTH]: one frame from a file, while holding the token.
        send() {
          n=${4:-}
          [ -n "$n" ] || n=$(wc -c < "$3") || n=0
          read -r token <&5
          printf '%s %s %s\n' "$1" "$2" "$n"; head -c "$n" "$3"
          echo >&5
        }
        # A run's reply is built as it is found: its lines in $out and their bytes counted in $len (${#} counts bytes
        # once report set LC_ALL=C; before that, lines are ASCII). Contents of files go to the file $reply, after the
        # lines before them (flush), so a reply of lines alone is sent from memory, without starting head.
        line() { out="$out$1
        "; len=$((len + ${#1} + 1)); }
        flush() { if [ -n "$filed" ]; then printf '%s' "$out" >> "$reply"; else printf '%s' "$out" > "$reply"; filed=1; fi; out=; }
        answer() {
          if [ -n "$filed" ]; then flush; send "$1" 0 "$reply" "$len"
          else read -r token <&5; printf '%s 0 %s\n%s' "$1" "$len" "$out"; echo >&5
          fi
        }
        # report RECORD ACTION: what became of a run, as the engine parses it, into the reply. Only after the script
        # started: LC_ALL=C would otherwise reach it.
        report() {
          LC_ALL=C
          if [ -s "$1/status" ]; then read -r code < "$1/status"; line "status $code"; else line "status none"; fi
          for x in stdout stderr; do
            if [ -s "$1/$x" ]; then
              n=$(wc -c < "$1/$x"); k=$n; [ "$k" -gt "$max" ] && k=$max
              line "$x $n $k"; flush; tail -c "$k" "$1/$x" | head -c "$k" >> "$reply"; len=$((len + k))
            else
              line "$x 0 0"
            fi
          done
          if [ -n "$names" ]; then
            while IFS= read -r name; do
              f="outputs/$2.$name"
              if [ -L "$f" ]; then line "refused link 0 $name"
              elif [ ! -e "$f" ]; then :
              elif [ ! -f "$f" ]; then line "refused special 0 $name"
              else
                head -c "$((max + 1))" "$f" > "$1/out"; n=$(wc -c < "$1/out")
                if [ "$n" -gt "$max" ]; then line "refused large $(wc -c < "$f") $name"; else line "output $n $name"; flush; cat "$1/out" >> "$reply"; len=$((len + n)); fi
              fi
            done <<EOF
        ${names%?}
        EOF
          fi
          line end
        }
        # start: (in a job, with the request's tag, id, action, attempt, shebang, inputs, names) stops what an earlier
        # run of the deployment left going, runs the script, records its status, reports. The inputs (the engine's export
        # lines, each value quoted) are run by a subshell from the job's memory, which then becomes setsid, which becomes
        # the script: never on disk (a here-document is a file for bash, ksh and zsh), never in an argument.
        start() {
          cd "$root/$id" || exit 0
          run="runs/$action.$attempt"; reply="$run/reply"; out=; len=0; filed=
          for old in runs/*; do
            [ "$old" = "$run" ] || [ ! -d "$old" ] && continue
            stop "$old"
            if [ -n "$left" ]; then
              line "leftover $left"
              case $left in alive*) line end; answer "$tag"; rm -rf "$run"; exit 0;; esac
            fi
          done
          if [ "$fresh" = 1 ]; then { [ "$shebang" = 0 ] || chmod 700 "$action"; }
          elif [ "$shebang" = 1 ]; then install -m 700 "$run/script" "$action"; else mv -f "$run/script" "$action"; fi
          for f in outputs/"$action".*; do if [ -e "$f" ] || [ -L "$f" ]; then rm -f outputs/"$action".*; fi; break; done
          if [ "$shebang" = 1 ]; then set -- "$PWD/$action"; else set -- /bin/sh "$PWD/$action"; fi
          ( trap - PIPE; eval "$inputs" && exec setsid "$@" ) < /dev/null > "$run/stdout" 2> "$run/stderr" 5>&- &
          pid=$!
          if st "$pid"; then printf '%s %s\n%s\n' "$pid" "$ticks" "$engine" > "$run/pid"; else printf '%s\n%s\n' "$pid" "$engine" > "$run/pid"; fi
          # The records of earlier runs that ended go while the script runs: removing them is no reason to start it later.
          for old in runs/*; do
            [ "$old" = "$run" ] && continue
            if ! { read -r p pt < "$old/pid" && alive "$p" "$pt"; } 2>/dev/null; then rm -rf "$old"; fi
          done
          wait "$pid"; code=$?
          [ -e "$run/stopped" ] || echo "$code" > "$run/status"
          report "$run" "$action"
          answer "$tag"
        }
        # await: (in a job) a run that already started, asked for again after its connection dropped: waits for it to
        # end, then reports it. Its pid file may be a moment behind its record.
        await() {
          cd "$root/$id" || exit 0
          run="runs/$action.$attempt"; reply="$run/reply.again"; out=; len=0; filed=; i=0
          while [ ! -e "$run/pid" ] && [ ! -e "$run/status" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
          if read -r p pt 2>/dev/null < "$run/pid"; then
            while alive "$p" "$pt"; do sleep 0.1; done
            # The job that started the script records its status as it ends, unless it was stopped or the job is gone.
            i=0; while [ ! -s "$run/status" ] && [ ! -e "$run/stopped" ] && [ $i -lt 10 ]; do sleep 0.1; i=$((i+1)); done
          fi
          report "$run" "$action"
          answer "$tag"
        }
        # take LENGTH LINES: the request's next part into $took: LINES lines read by the shell itself when the engine said the
        # part is that many whole lines (no process started), else LENGTH bytes by head (the '.' keeps trailing newlines).
        take() {
          took=
          if [ "$2" -gt 0 ]; then
            i=0; while [ $i -lt "$2" ] && IFS= read -r l; do took="$took$l
        "; i=$((i+1)); done
          elif [ "$1" -gt 0 ]; then
            took=$(head -c "$1"; echo .); took=${took%.}
          fi
        }
        fail() { printf 'hearth: %s\n' "$2" > "$session.$1"; send "$1" 3 "$session.$1"; rm -f "$session.$1"; }
        root=$1; max=$2
        case $root in /*) ;; *) root="$HOME/$root";; esac
        [ -d "$root" ] || mkdir -p -m 700 "$root" || { echo "hearth: cannot make the folder $root" >&2; exit 3; }
        # The session's files (the reply token's FIFO, replies of stop, list and remove) are $root/.sPID.*; a killed
        # dispatcher's are removed by the next one.
        for f in "$root"/.s*.token; do
          [ -p "$f" ] || continue
          p=${f#"$root/.s"}; p=${p%.token}
          kill -0 "$p" 2>/dev/null || rm -f "$root/.s$p".*
        done
        session="$root/.s$$"
        mkfifo "$session.token" && exec 5<> "$session.token" || { echo "hearth: cannot make a FIFO in $root" >&2; exit 3; }
        echo >&5
        printf '0 0 0\n'
        while IFS=' ' read -r verb tag id action attempt shebang; do
          case $verb in
            run)
              IFS=' ' read -r envlen scriptlen nameslen envlines scriptlines nameslines engine || break
              dir="$root/$id"; run="$dir/runs/$action.$attempt"
              # One mkdir makes the record (and, for a new deployment, its folders): it fails when the record exists.
              fresh=0
              if [ -d "$dir/runs" ]; then mkdir "$run" 2>/dev/null
              elif [ -d "$dir" ]; then mkdir -p "$dir/outputs" "$dir/runs" && mkdir "$run"
              else mkdir "$dir" "$dir/outputs" "$dir/runs" "$run" && fresh=1
              fi
              made=$?
              if [ $made != 0 ] && [ ! -d "$run" ]; then
                head -c "$((envlen + scriptlen + nameslen))" > /dev/null; fail "$tag" "cannot make the working folder $dir"
              elif [ $made = 0 ]; then
                take "$envlen" "$envlines"; inputs=$took
                # A new deployment has no earlier run that could still be reading its script: it is written in its place at
                # once. Otherwise it waits in the record until start has stopped what an earlier run left going.
                staged="$run/script"; [ "$fresh" = 1 ] && staged="$dir/$action"
                if [ "$scriptlines" -gt 0 ]; then take 0 "$scriptlines"; printf '%s' "$took" > "$staged"; else head -c "$scriptlen" > "$staged"; fi
                take "$nameslen" "$nameslines"; names=$took
                start &
              else
                head -c "$((envlen + scriptlen))" > /dev/null
                take "$nameslen" "$nameslines"; names=$took
                await &
              fi
              ;;
            stop)
              ( for r in "$root/$id"/runs/$action; do [ -d "$r" ] && stop "$r" && [ -n "$left" ] && echo "$left"; done > "$session.$tag"
                send "$tag" 0 "$session.$tag"; rm -f "$session.$tag" ) &
              ;;
            list)
              ( for r in "$root"/*/runs/*; do
                  [ -d "$r" ] || continue
                  if { read -r p pt && { read -r e || e=; }; } 2>/dev/null < "$r/pid" && alive "$p" "$pt"; then
                    # A record an earlier Hearth made names its engine in a file of its own.
                    [ -n "$e" ] || e=$(cat "$r/engine" 2>/dev/null)
                    d=${r%/runs/*}; echo "running ${d##*/} ${r##*/} $e"
                  fi
                done > "$session.$tag"
                send "$tag" 0 "$session.$tag"; rm -f "$session.$tag" ) &
              ;;
            remove)
              ( if rm -rf "$root/$id" 2> "$session.$tag"; then : > "$session.$tag"; send "$tag" 0 "$session.$tag"; else send "$tag" 3 "$session.$tag"; fi; rm -f "$session.$tag" ) &
              ;;
            *) echo "hearth: unknown request '$verb'" >&2; break;;
          esac
        done
        wait
        rm -f "$session".*
        """;

    /// <summary>The command line for the login shell: <c>exec sh -c PROGRAM hearth ARG…</c> (the login shell becomes sh), every word quoted.</summary>
    public static string Command(string program, params IEnumerable<string> arguments) =>
        string.Join(' ', ["exec", "sh", "-c", ShellText.Quote(program), "hearth", .. arguments.Select(ShellText.Quote)]);
}
