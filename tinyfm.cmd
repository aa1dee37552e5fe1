@echo off
rem tinyfm launcher for Windows: builds the jar on first use, then runs it, as ./tinyfm does (unlike it,
rem it does not rebuild when the sources change: run "mvn -DskipTests -Djavacpp.platform=windows-x86_64 package" after editing them).
rem Environment: TINYFM_HEAP (default 2g), TINYFM_OFFHEAP (ND4J's off-heap limit, default 6G).
setlocal
set "here=%~dp0"
set "jar=%here%target\tinyfm.jar"

where java >nul 2>nul
if errorlevel 1 (
  echo tinyfm: Java 17 or newer is needed, and no 'java' is on the PATH 1>&2
  exit /b 1
)
for /f "tokens=2 delims==" %%v in ('java -XshowSettings:properties -version 2^>^&1 ^| findstr /c:"java.specification.version ="') do set "javaver=%%v"
set "javaver=%javaver: =%"
for /f "tokens=1 delims=." %%m in ("%javaver%") do set "javamajor=%%m"
if "%javamajor%"=="1" goto oldjava
if %javamajor% LSS 17 goto oldjava
goto javaok
:oldjava
echo tinyfm: Java 17 or newer is needed; this java is version %javaver% 1>&2
exit /b 1
:javaok

if not exist "%jar%" (
  echo tinyfm: building on first use; this takes a minute the first time... 1>&2
  pushd "%here%"
  call mvn -B -q -DskipTests -Djavacpp.platform=windows-x86_64 package > "%here%target-build.log" 2>&1
  if errorlevel 1 (
    popd
    echo tinyfm: build failed; see %here%target-build.log 1>&2
    exit /b 1
  )
  popd
  del "%here%target-build.log"
)

if not defined OMP_WAIT_POLICY set "OMP_WAIT_POLICY=passive"
if not defined TINYFM_HEAP set "TINYFM_HEAP=2g"
if not defined TINYFM_OFFHEAP set "TINYFM_OFFHEAP=6G"
if not defined TINYFM_PHYSICAL set "TINYFM_PHYSICAL=10G"
java -Xmx%TINYFM_HEAP% -Dorg.bytedeco.javacpp.maxbytes=%TINYFM_OFFHEAP% -Dorg.bytedeco.javacpp.maxphysicalbytes=%TINYFM_PHYSICAL% ^
  "-Dtinyfm.home=%here:~0,-1%" "-Dtinyfm.log=%here%tinyfm.log" %TINYFM_JAVA_OPTS% -jar "%jar%" %*
exit /b %errorlevel%
