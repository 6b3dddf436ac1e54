import subprocess
subprocess.run(["nvidia-smi"], check=True)
