#!/usr/bin/python3
"""The M/M/c fleet model of bench/sim_bench.cc in SimPy (Debian python3-simpy3).

100 cells x 4 servers, 1,000 tenants (tenant i on cell i % 100), Poisson arrivals at load
0.8 (32,000 jobs/s), exponential 10 ms service, queue limit 100 per cell (excess shed).
Prints one line: simulated seconds, jobs, wall seconds and jobs per wall second.
"""
import random
import sys
import time

import simpy

CELLS, SERVERS, TENANTS, QUEUE_LIMIT = 100, 4, 1000, 100
SERVICE_S = 0.010
RATE = 0.8 * CELLS * SERVERS / SERVICE_S


def run(until_s, seed):
    env = simpy.Environment()
    rnd = random.Random(seed)
    cells = [simpy.Resource(env, capacity=SERVERS) for _ in range(CELLS)]
    counts = {"served": 0, "shed": 0}

    def job(cell):
        with cell.request() as req:
            yield req
            yield env.timeout(rnd.expovariate(1.0 / SERVICE_S))
        counts["served"] += 1

    def source():
        while True:
            yield env.timeout(rnd.expovariate(RATE))
            cell = cells[rnd.randrange(TENANTS) % CELLS]
            if len(cell.queue) >= QUEUE_LIMIT:
                counts["shed"] += 1
                continue
            env.process(job(cell))

    env.process(source())
    env.run(until=until_s)
    return counts["served"] + counts["shed"]


def main():
    until_s = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    start = time.perf_counter()
    jobs = run(until_s, 1)
    wall = time.perf_counter() - start
    print(f"simpy simulated_s={until_s:g} jobs={jobs} wall_s={wall:.3f} jobs_per_s={jobs / wall:.0f}")


if __name__ == "__main__":
    main()
