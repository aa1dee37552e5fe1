"""Where the main thread's time goes in a Java Flight Recorder file (src/bench/profile-compare.sh).

Reads the execution samples (Java code, one every 10 ms with the 'profile' settings) and the native
method samples (one every 20 ms) of the thread named 'main', weights each by its period, and prints
the share of the sampled time spent in each part of a comparison.
Usage: python3 jfr_shares.py FILE.jfr [LABEL]   (LABEL names the run in the first line instead of the file)
"""
import re
import subprocess
import sys

PERIOD_MS = {"jdk.ExecutionSample": 10, "jdk.NativeMethodSample": 20}

PARTS = [  # (what, does a sample belong to it: its stack, innermost frame first)
    ("scoring the validation and test splits (Classifier.evaluate)", lambda f: "tinyfm.finetuning.Classifier.evaluate" in f),
    ("everything inside the fine-tuning runs, scoring included", lambda f: "tinyfm.finetuning.FineTuner.train" in f),
    ("ND4J allocating memory (allocateDataBuffer)", lambda f: "allocateDataBuffer" in f[0]),
    ("OpenBLAS products", lambda f: "sgemm" in f[0] or "sgemv" in f[0]),
    ("ND4J's Sigmoid (GELU)", lambda f: "execTransformStrict" in f[0]),
    ("the causal softmax", lambda f: "tinyfm.engine.FastEngine.causalSoftmax" in f),
    ("waiting for the helper thread's half", lambda f: f[0].endswith("Halves$Helper.await")),
]


def main_thread_stacks(jfr, event):
    text = subprocess.run(["jfr", "print", "--stack-depth", "64", "--events", event, jfr],
                          capture_output=True, text=True, check=True).stdout
    for sample in text.split(event + " {")[1:]:
        if re.search(r'sampledThread = "main"', sample):
            frames = re.findall(r"^\s+([\w.$<>]+)\(", sample, re.M)
            if frames:
                yield frames


def main():
    jfr = sys.argv[1]
    label = sys.argv[2] if len(sys.argv) > 2 else jfr
    samples = [(frames, PERIOD_MS[event]) for event in PERIOD_MS for frames in main_thread_stacks(jfr, event)]
    total = sum(weight for _, weight in samples)
    print(f"{label}: main thread, {total / 1000:.1f} s sampled")
    for what, belongs in PARTS:
        share = sum(weight for frames, weight in samples if belongs(frames)) / total
        print(f"{100 * share:5.1f}%  {what}")


if __name__ == "__main__":
    main()
