set pagination off
set $g = *(long*)&'runtime.allg'
set $n = 0
while $g != 0 && $n < 400
  printf "%lx goid=%d status=%d pc=%lx sp=%lx entry=%lx stack0=%lx stackbase=%lx\n", $g, *(int*)($g+92), *(short*)($g+88), *(long*)($g+40), *(long*)($g+32), *(long*)($g+64), *(long*)($g+56), *(long*)($g+8)
  set $g = *(long*)($g+72)
  set $n = $n+1
end
