<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>Admin</name>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="90"/>
        <source>Starting</source>
        <translation>시작하는 중</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="91"/>
        <source>Live</source>
        <translation>작동 중</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="92"/>
        <source>Stalled</source>
        <translation>멈춤</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="93"/>
        <source>Not found</source>
        <translation>찾을 수 없음</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="94"/>
        <source>Off — none configured</source>
        <translation>꺼짐 — 설정된 카메라 없음</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="129"/>
        <source>[camera] source is empty: the mood picker only</source>
        <translation>[camera] source가 비어 있습니다: 기분 선택만 사용</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="203"/>
        <source>Not needed without a camera</source>
        <translation>카메라가 없으면 필요 없음</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="107"/>
        <source>Processor (CPU)</source>
        <translation>프로세서(CPU)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="108"/>
        <source>Graphics card (CUDA)</source>
        <translation>그래픽 카드(CUDA)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="109"/>
        <source>Apple graphics (MPS)</source>
        <translation>애플 그래픽(MPS)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="113"/>
        <source>%1 thread</source>
        <translation>스레드 %1개</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="114"/>
        <source>%1 threads</source>
        <translation>스레드 %1개</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="130"/>
        <source>%1 fps</source>
        <translation>%1 fps</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="128"/>
        <location filename="../../kiosk/ui/admin_status.py" line="144"/>
        <source>Camera</source>
        <translation>카메라</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="201"/>
        <location filename="../../kiosk/ui/admin_status.py" line="208"/>
        <location filename="../../kiosk/ui/admin_status.py" line="213"/>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="202"/>
        <location filename="../../kiosk/ui/admin_status.py" line="209"/>
        <source>Not loaded</source>
        <translation>불러오지 않음</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="210"/>
        <source>The models load when the camera gives pictures</source>
        <translation>카메라 영상이 들어오면 모델을 불러옵니다</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="214"/>
        <source>Loading…</source>
        <translation>불러오는 중…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="215"/>
        <source>%1 ms per face</source>
        <translation>얼굴당 %1 ms</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="226"/>
        <location filename="../../kiosk/ui/admin_status.py" line="234"/>
        <location filename="../../kiosk/ui/admin_status.py" line="250"/>
        <location filename="../../kiosk/ui/admin_status.py" line="253"/>
        <source>Network</source>
        <translation>네트워크</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="235"/>
        <source>Not needed</source>
        <translation>필요 없음</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="236"/>
        <source>AWS is not configured: the kiosk works offline</source>
        <translation>AWS가 설정되지 않았습니다. 키오스크는 오프라인으로 작동합니다</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="227"/>
        <location filename="../../kiosk/ui/admin_status.py" line="242"/>
        <source>Online</source>
        <translation>온라인</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="228"/>
        <location filename="../../kiosk/ui/admin_status.py" line="244"/>
        <source>Offline</source>
        <translation>오프라인</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="278"/>
        <source>kept for later: uploads not configured</source>
        <translation>보관 중: 업로드가 설정되지 않음</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="283"/>
        <source>kept for later: offline, sent when the network is back</source>
        <translation>보관 중: 오프라인, 네트워크가 돌아오면 전송</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="285"/>
        <source>kept for later: AWS refused the credentials (see the log)</source>
        <translation>보관 중: AWS가 자격 증명을 거부함(로그 참고)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="291"/>
        <source>kept for later: AWS is busy, retrying soon</source>
        <translation>보관 중: AWS가 바쁨, 곧 다시 시도</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="289"/>
        <source>kept for later: AWS is busy, next try in %1 s</source>
        <translation>보관 중: AWS가 바쁨, %1초 후 다시 시도</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="182"/>
        <source>%1 s</source>
        <translation>%1초</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="184"/>
        <source>%1 min</source>
        <translation>%1분</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="185"/>
        <source>%1 h</source>
        <translation>%1시간</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="192"/>
        <source>since %1 (%2)</source>
        <translation>%1부터 (%2)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="229"/>
        <source>for the fleet metrics (CloudWatch); likes stay on this device</source>
        <translation>원격 모니터링 지표(CloudWatch)에 필요해요. 좋아요는 이 기기에 저장돼요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="322"/>
        <source>new likes cannot be saved: %1</source>
        <translation>새 좋아요를 저장할 수 없음: %1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="317"/>
        <source>the data folder is read-only</source>
        <translation>데이터 폴더가 읽기 전용임</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="319"/>
        <source>disk full</source>
        <translation>디스크가 가득 참</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="295"/>
        <source>everything is sent</source>
        <translation>모두 전송됨</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="296"/>
        <source>being sent now</source>
        <translation>지금 전송 중</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="347"/>
        <source>%1 could not be sent (dead letters)</source>
        <translation>%1건 전송 실패(전송 불가 이벤트)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="350"/>
        <source>Event queue</source>
        <translation>이벤트 대기열</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="351"/>
        <location filename="../../kiosk/ui/admin_status.py" line="497"/>
        <source>%1 waiting</source>
        <translation>%1건 대기 중</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="372"/>
        <source>Catalog</source>
        <translation>카탈로그</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="373"/>
        <source>%1 images</source>
        <translation>이미지 %1개</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="384"/>
        <source>Restarts in the last hour: %1</source>
        <translation>지난 1시간 동안 재시작: %1회</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="390"/>
        <source>Unclean exits in the last hour: %1</source>
        <translation>지난 1시간 동안 비정상 종료: %1회</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="395"/>
        <source>Restarting again and again: look at the log</source>
        <translation>재시작이 반복되고 있습니다. 로그를 확인하세요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="397"/>
        <source>Crashes</source>
        <translation>오류로 인한 중단</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="415"/>
        <source>%1 free</source>
        <translation>%1 남음</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="438"/>
        <location filename="../../kiosk/ui/admin_status.py" line="445"/>
        <source>Full</source>
        <translation>가득 참</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="439"/>
        <source>Likes and visits are not being saved: free some space.</source>
        <translation>좋아요와 방문 기록이 저장되지 않고 있어요. 공간을 확보해 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="442"/>
        <source>Space freed</source>
        <translation>공간 확보됨</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="443"/>
        <source>Saving resumes with the next like or visit.</source>
        <translation>다음 좋아요나 방문부터 다시 저장돼요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="446"/>
        <source>OK</source>
        <translation>정상</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="452"/>
        <location filename="../../kiosk/ui/admin_status.py" line="453"/>
        <source>Recommendations</source>
        <translation>추천</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="454"/>
        <source>Problem</source>
        <translation>문제</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="455"/>
        <source>Images skipped</source>
        <translation>건너뛴 이미지</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="459"/>
        <source>Fleet metrics (CloudWatch)</source>
        <translation>원격 모니터링 지표 (CloudWatch)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="460"/>
        <location filename="../../kiosk/ui/admin_status.py" line="462"/>
        <source>Rekognition stopped</source>
        <translation>Rekognition 호출 중지됨</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="524"/>
        <source>AWS refused the calls (%1): give the kiosk&apos;s IAM user or role the permission rekognition:DetectFaces, or fix the [aws] credentials, then restart the kiosk</source>
        <translation>AWS가 호출을 거부했습니다 (%1): 키오스크의 IAM 사용자 또는 역할에 rekognition:DetectFaces 권한을 주거나 [aws] 자격 증명을 고친 다음 키오스크를 다시 시작하세요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="465"/>
        <source>Last problem</source>
        <translation>마지막 문제</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="456"/>
        <source>Last Personalize fallback</source>
        <translation>마지막 Personalize 대체 응답</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="457"/>
        <source>Last upload error</source>
        <translation>마지막 업로드 오류</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="432"/>
        <location filename="../../kiosk/ui/admin_status.py" line="458"/>
        <source>Disk</source>
        <translation>디스크</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="157"/>
        <source>Faces look turned: moods are misread. Add %1 to [camera] rotate in the settings, or turn the camera.</source>
        <translation>얼굴이 돌아가 보여요: 기분을 잘못 읽습니다. 설정의 [camera] rotate에 %1을 더하거나 카메라를 돌려 놓으세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="168"/>
        <source>Faces too dark (%1 of 255): moods are misread. Light the visitor&apos;s face, or raise the camera&apos;s exposure or gain.</source>
        <translation>얼굴이 너무 어두워요(255 중 %1): 기분을 잘못 읽습니다. 방문객의 얼굴에 조명을 비추거나 카메라의 노출이나 게인을 높이세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="172"/>
        <source>Faces too bright (%1 of 255): moods are misread. Less light on the face or behind the camera, or lower the camera&apos;s exposure.</source>
        <translation>얼굴이 너무 밝아요(255 중 %1): 기분을 잘못 읽습니다. 얼굴이나 카메라 뒤의 조명을 줄이거나 카메라의 노출을 낮추세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="250"/>
        <source>AWS answers with errors: %1</source>
        <translation>AWS가 오류로 응답: %1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="264"/>
        <source>likes upload (Personalize events)</source>
        <translation>좋아요 전송 (Personalize 이벤트)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="267"/>
        <source>Personalize recommendations</source>
        <translation>Personalize 추천</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="281"/>
        <source>kept for later: the queue cannot be written (see the log)</source>
        <translation>보관 중: 대기열에 쓸 수 없음 (로그 참조)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="306"/>
        <source>%1 of them kept aside until the lock lets go</source>
        <translation>그중 %1건은 잠금이 풀릴 때까지 따로 보관 중</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="331"/>
        <source>locked by another program: new likes are kept aside and queued when it lets go</source>
        <translation>다른 프로그램이 잠금: 새 좋아요는 따로 보관했다가 잠금이 풀리면 대기열에 넣어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="461"/>
        <location filename="../../kiosk/ui/admin_status.py" line="463"/>
        <source>Returning visitors stopped</source>
        <translation>재방문 고객 인식 중지됨</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="468"/>
        <source>on this device</source>
        <translation>이 기기에서</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="469"/>
        <source>Amazon Personalize</source>
        <translation>Amazon Personalize</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="494"/>
        <source>all sent (last %1)</source>
        <translation>모두 전송됨 (마지막 %1)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="495"/>
        <source>all sent</source>
        <translation>모두 전송됨</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="499"/>
        <source>AWS refused the credentials or permissions</source>
        <translation>AWS가 자격 증명 또는 권한을 거부함</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="501"/>
        <source>the metrics queue cannot be written</source>
        <translation>지표 대기열에 쓸 수 없음</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="502"/>
        <source>offline</source>
        <translation>오프라인</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="503"/>
        <source>AWS answers with errors</source>
        <translation>AWS가 오류로 응답함</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="504"/>
        <source>not sent</source>
        <translation>전송 안 됨</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="507"/>
        <source>next try in %1 s</source>
        <translation>%1초 후 다시 시도</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="510"/>
        <source>last sent %1</source>
        <translation>마지막 전송 %1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="512"/>
        <source>nothing sent since %1</source>
        <translation>%1 이후 전송 없음</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="513"/>
        <source>nothing sent since the start</source>
        <translation>시작 후 전송 없음</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="516"/>
        <source>cannot be queued: the disk is full</source>
        <translation>대기열에 넣을 수 없음: 디스크가 가득 참</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="518"/>
        <location filename="../../kiosk/ui/admin_status.py" line="594"/>
        <source>last error: %1</source>
        <translation>마지막 오류: %1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="533"/>
        <source>AWS refused the calls (%1): no visitor is looked up, enrolled or deleted (deletions wait). Give the kiosk&apos;s IAM user or role the permissions rekognition:SearchFacesByImage, IndexFaces, DeleteFaces and ListFaces on the collection, or fix the [aws] credentials, then restart the kiosk</source>
        <translation>AWS가 호출을 거부했습니다 (%1): 방문객을 조회·등록·삭제하지 않습니다(삭제는 대기합니다). 키오스크의 IAM 사용자 또는 역할에 컬렉션에 대한 rekognition:SearchFacesByImage, IndexFaces, DeleteFaces, ListFaces 권한을 주거나 [aws] 자격 증명을 고친 다음 키오스크를 다시 시작하세요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="543"/>
        <source>AWS refused the [aws] credentials (%1) on a returning-visitor call, and the fallback uses the same ones: no face crop is sent. Fix the [aws] credentials (profile, keys, the clock), then restart the kiosk</source>
        <translation>재방문 고객 인식 호출에서 AWS가 [aws] 자격 증명을 거부했습니다 (%1). 대체 인식도 같은 자격 증명을 쓰므로 얼굴 이미지를 보내지 않습니다. [aws] 자격 증명(프로필, 키, 시계)을 고친 다음 키오스크를 다시 시작하세요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="552"/>
        <source>AWS refused the [aws] credentials (%1) on a Rekognition fallback call, and identity uses the same ones: no visitor is looked up, enrolled or deleted (deletions wait). Fix the [aws] credentials (profile, keys, the clock), then restart the kiosk</source>
        <translation>Rekognition 대체 인식 호출에서 AWS가 [aws] 자격 증명을 거부했습니다 (%1). 재방문 고객 인식도 같은 자격 증명을 쓰므로 방문객을 조회·등록·삭제하지 않습니다(삭제는 대기합니다). [aws] 자격 증명(프로필, 키, 시계)을 고친 다음 키오스크를 다시 시작하세요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="567"/>
        <source>stopped: AWS refused the [aws] credentials (%1) on a returning-visitor call, next try in %2 min</source>
        <translation>중지됨: 재방문 고객 인식 호출에서 AWS가 [aws] 자격 증명을 거부했습니다 (%1), %2분 뒤 다시 시도</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="572"/>
        <source>stopped: AWS refused the calls (%1), next try in %2 min</source>
        <translation>중지됨: AWS가 호출을 거부했습니다 (%1), %2분 뒤 다시 시도</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="576"/>
        <source>throttled by AWS, next call in %1 s</source>
        <translation>AWS 호출 한도 초과, %1초 뒤 다음 호출</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="579"/>
        <source>paused after network failures, next try in %1 s</source>
        <translation>네트워크 오류로 일시 중지, %1초 뒤 다시 시도</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="582"/>
        <source>answering with errors</source>
        <translation>오류로 응답 중</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="584"/>
        <source>reachable</source>
        <translation>연결됨</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="586"/>
        <source>not called since the start</source>
        <translation>시작 후 호출 없음</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="588"/>
        <source>not called yet</source>
        <translation>아직 호출 없음</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="589"/>
        <source>%1/%2 calls this hour</source>
        <translation>이번 시간 호출 %1/%2회</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="592"/>
        <source>(budget used)</source>
        <translation>(한도 소진)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="606"/>
        <source>no answer in time</source>
        <translation>제시간에 응답 없음</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="608"/>
        <source>no network</source>
        <translation>네트워크 없음</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="610"/>
        <source>no AWS credentials: set them in the [aws] settings</source>
        <translation>AWS 자격 증명 없음: [aws] 설정에 넣어 주세요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="612"/>
        <source>throttled by AWS</source>
        <translation>AWS 호출 한도 초과</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="614"/>
        <source>paused after an error, next try in %1 s</source>
        <translation>오류 후 일시 중지, %1초 뒤 다시 시도</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="617"/>
        <source>still waiting for an earlier answer</source>
        <translation>이전 요청의 응답을 기다리는 중</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="619"/>
        <source>stopped</source>
        <translation>중지됨</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="621"/>
        <source>AWS answered with an error</source>
        <translation>AWS가 오류로 응답</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="624"/>
        <source>%1; pages from this device&apos;s recommender</source>
        <translation>%1; 이 기기의 추천으로 페이지를 만들었습니다</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_status.py" line="659"/>
        <source>Other</source>
        <translation>기타</translation>
    </message>
</context>
<context>
    <name>AdminPanel</name>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="317"/>
        <source>Admin</source>
        <translation>관리자</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="261"/>
        <source>Exit</source>
        <translation>종료</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="261"/>
        <source>Restart</source>
        <translation>다시 시작</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="262"/>
        <source>Reload catalog</source>
        <translation>카탈로그 새로고침</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="263"/>
        <source>Flush events</source>
        <translation>이벤트 바로 전송</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="264"/>
        <source>Review images</source>
        <translation>이미지 검토</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="265"/>
        <source>Audience</source>
        <translation>관객</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="300"/>
        <source>Uploads are not configured, so nothing is sent: the events stay on this kiosk. Set [personalize] tracking_id to send them.</source>
        <translation>업로드가 설정되지 않아 아무것도 전송하지 않습니다. 이벤트는 이 키오스크에 보관됩니다. 전송하려면 [personalize] tracking_id를 설정하세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="304"/>
        <source>Offline: the queued events are sent when the network is back.</source>
        <translation>오프라인입니다. 대기 중인 이벤트는 네트워크가 돌아오면 전송됩니다.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="305"/>
        <source>Uploading the queued events now.</source>
        <translation>대기 중인 이벤트를 지금 업로드합니다.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="307"/>
        <source>Restarting the kiosk…</source>
        <translation>키오스크를 다시 시작하는 중…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="308"/>
        <source>Reloading the catalog…</source>
        <translation>카탈로그를 다시 불러오는 중…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="309"/>
        <source>Opening the images waiting for review…</source>
        <translation>검토를 기다리는 이미지를 여는 중…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="310"/>
        <source>Closing the kiosk…</source>
        <translation>키오스크를 종료하는 중…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="319"/>
        <source>The staff PIN is still the factory PIN 0000: anyone can open this panel. Set your own with kiosk-admin pin.</source>
        <translation>직원 PIN이 아직 공장 초기값 0000입니다. 누구나 이 화면을 열 수 있습니다. kiosk-admin pin으로 새 PIN을 설정하세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="324"/>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="326"/>
        <source>Exit the kiosk? The screen stays dark until it is started again.</source>
        <translation>키오스크를 종료할까요? 다시 시작할 때까지 화면이 꺼진 상태로 있습니다.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="328"/>
        <source>Keep running</source>
        <translation>계속 실행</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="329"/>
        <source>Exit now</source>
        <translation>지금 종료</translation>
    </message>
</context>
<context>
    <name>AttractScreen</name>
    <message>
        <location filename="../../kiosk/ui/attract.py" line="222"/>
        <source>Step closer — we&apos;ll pick images for your mood</source>
        <translation>가까이 와 보세요 — 기분에 맞는 이미지를 골라 드릴게요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/attract.py" line="223"/>
        <source>Look at the screen for a moment, or tap to start.</source>
        <translation>잠시 화면을 바라보시거나, 화면을 눌러 시작하세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/attract.py" line="225"/>
        <source>Tell us your mood — we&apos;ll pick images for it</source>
        <translation>지금 기분을 알려 주세요 — 어울리는 이미지를 골라 드릴게요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/attract.py" line="226"/>
        <source>Tap anywhere to start.</source>
        <translation>아무 곳이나 눌러 시작하세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/attract.py" line="227"/>
        <source>Choose my mood</source>
        <translation>기분 직접 고르기</translation>
    </message>
</context>
<context>
    <name>AudienceNote</name>
    <message>
        <location filename="../../kiosk/ui/audience_note.py" line="32"/>
        <source>%1 of %2 page</source>
        <translation>페이지 %2개 중 %1개</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_note.py" line="33"/>
        <source>%1 of %2 pages</source>
        <translation>페이지 %2개 중 %1개</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_note.py" line="34"/>
        <source>%1 of %2 like</source>
        <translation>좋아요 %2개 중 %1개</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_note.py" line="35"/>
        <source>%1 of %2 likes</source>
        <translation>좋아요 %2개 중 %1개</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_note.py" line="36"/>
        <source>%1 and %2 are not in the like rates by emotion or the top items because %3.</source>
        <translation>%1와 %2는 감정별 좋아요 비율과 인기 이미지에 들어가지 않았습니다. %3.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_note.py" line="48"/>
        <source>groups of fewer than %1 visits are never shown, to keep visitors anonymous</source>
        <translation>방문객을 익명으로 지키기 위해 방문 %1회 미만의 묶음은 보여 주지 않습니다</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_note.py" line="53"/>
        <source>the last visit is held back until at least %1 visits have come</source>
        <translation>마지막 방문은 방문이 %1회 이상 모일 때까지 보류됩니다</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_note.py" line="56"/>
        <source>the last %1 visits are held back until at least %2 visits have come</source>
        <translation>마지막 방문 %1회는 방문이 %2회 이상 모일 때까지 보류됩니다</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_note.py" line="58"/>
        <source>the time period of the last %1 visits is still open; they are added when it closes</source>
        <translation>마지막 방문 %1회의 집계 구간이 아직 끝나지 않았습니다. 구간이 끝나면 더해집니다</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_note.py" line="61"/>
        <source>%1: %2 stayed in such groups, and %3</source>
        <translation>%1. 그런 묶음에 남은 방문이 %2이고, %3</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_note.py" line="67"/>
        <source>%1; %2</source>
        <translation>%1. %2</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_note.py" line="64"/>
        <source>%1, and %2 stayed in such groups</source>
        <translation>%1. 그런 묶음에 남은 방문은 %2입니다</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_note.py" line="71"/>
        <source>the kiosk stopped unexpectedly (%1 time) before it saved them</source>
        <translation>키오스크가 저장하기 전에 예기치 않게 종료되었습니다(%1회)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_note.py" line="73"/>
        <source>the kiosk stopped unexpectedly (%1 times) before it saved them</source>
        <translation>키오스크가 저장하기 전에 예기치 않게 종료되었습니다(%1회)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_note.py" line="80"/>
        <source>%1 visit</source>
        <translation>%1회</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_note.py" line="81"/>
        <source>%1 visits</source>
        <translation>%1회</translation>
    </message>
</context>
<context>
    <name>AudienceView</name>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="188"/>
        <source>Audience today</source>
        <translation>오늘의 관객</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="187"/>
        <source>Audience today (%1)</source>
        <translation>오늘의 관객 (%1)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="168"/>
        <source>Back</source>
        <translation>뒤로</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="191"/>
        <source>Counted on this kiosk only, without images or per-person records. Emotions, like rates and items cover at least %1 visits; smaller groups are merged or left out.</source>
        <translation>이 키오스크 안에서만 집계하며 이미지나 개인별 기록은 남기지 않습니다. 감정, 좋아요 비율, 이미지는 최소 %1회 방문을 묶어 보여 주며, 그보다 작은 묶음은 합치거나 제외합니다.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="197"/>
        <source>Visits</source>
        <translation>방문</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="198"/>
        <source>%1 passers-by</source>
        <translation>지나간 사람 %1명</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="202"/>
        <source>Attention</source>
        <translation>관심</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="203"/>
        <source>%1 stayed</source>
        <translation>%1명 머묾</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="206"/>
        <source>Dwell time</source>
        <translation>머문 시간</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="206"/>
        <source>%1 s</source>
        <translation>%1초</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="208"/>
        <source>90 % under %1 s</source>
        <translation>90%가 %1초 미만</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="211"/>
        <source>Likes</source>
        <translation>좋아요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="212"/>
        <source>%1 pages, %2 % liked</source>
        <translation>%1페이지, %2% 좋아요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="215"/>
        <source>Mood picker</source>
        <translation>기분 선택</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="216"/>
        <source>Consent %1 yes, %2 no</source>
        <translation>동의 %1, 거절 %2</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="220"/>
        <source>Camera live</source>
        <translation>카메라 작동</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="221"/>
        <source>%1 crashes</source>
        <translation>오류 %1회</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="225"/>
        <source>Visits by hour</source>
        <translation>시간대별 방문</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="225"/>
        <source>No visits yet</source>
        <translation>아직 방문이 없습니다</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="230"/>
        <source>Emotions</source>
        <translation>감정</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="231"/>
        <location filename="../../kiosk/ui/audience_view.py" line="237"/>
        <source>Not enough visits yet</source>
        <translation>아직 방문이 충분하지 않습니다</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="236"/>
        <source>Like rate by emotion</source>
        <translation>감정별 좋아요 비율</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/audience_view.py" line="241"/>
        <source>Top items: %1</source>
        <translation>인기 이미지: %1</translation>
    </message>
</context>
<context>
    <name>ConsentOverlay</name>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="275"/>
        <source>Yes, remember me</source>
        <translation>네, 기억해 주세요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="276"/>
        <source>No, thanks</source>
        <translation>아니요, 괜찮아요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="277"/>
        <source>More info</source>
        <translation>자세히 보기</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="278"/>
        <source>Back</source>
        <translation>뒤로</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="279"/>
        <source>Delete now</source>
        <translation>지금 삭제</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="280"/>
        <source>Keep</source>
        <translation>그대로 두기</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="281"/>
        <source>OK</source>
        <translation>확인</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="282"/>
        <source>Forget me</source>
        <translation>저를 잊어 주세요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="284"/>
        <source>Sorry, that did not work this time. Nothing is remembered.</source>
        <translation>죄송해요, 이번에는 되지 않았어요. 아무것도 기억하지 않아요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="287"/>
        <source>Welcome back!</source>
        <translation>다시 오셨군요!</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="289"/>
        <source>See you next time!</source>
        <translation>다음에 또 만나요!</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="291"/>
        <source>What remembering means</source>
        <translation>얼굴을 기억한다는 것은</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="293"/>
        <source>What we keep: a face vector (numbers that describe your face, not a picture) in this store&apos;s Amazon Rekognition collection (AWS), with a random ID. No image of you is ever saved.</source>
        <translation>보관하는 것: 얼굴 특징 벡터(사진이 아니라 얼굴을 나타내는 숫자)를 임의의 ID와 함께 이 매장의 Amazon Rekognition 컬렉션(AWS)에 보관해요. 사진은 절대 저장하지 않아요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="297"/>
        <source>How to be forgotten: when the kiosk recognises you, tap &quot;Forget me&quot; and your face is deleted at once. Staff can also delete it.</source>
        <translation>삭제하는 방법: 키오스크가 알아보면 &quot;저를 잊어 주세요&quot;를 누르세요. 얼굴이 바로 삭제돼요. 직원에게 삭제를 요청할 수도 있어요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="299"/>
        <source>If you say No, or do not answer, nothing is kept.</source>
        <translation>&apos;아니요&apos;를 누르거나 답하지 않으면 아무것도 보관하지 않아요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="302"/>
        <source>Forget me?</source>
        <translation>저를 잊을까요?</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="303"/>
        <source>Your face and what this kiosk learned about you will be deleted now. Your visit goes on without them.</source>
        <translation>얼굴과 이 키오스크가 알게 된 취향을 지금 삭제해요. 이용은 그대로 계속할 수 있어요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="306"/>
        <source>Done — your face has been deleted</source>
        <translation>완료 — 얼굴을 삭제했어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="308"/>
        <source>Your details on this kiosk are gone. The cloud copy is deleted as soon as the kiosk is back online.</source>
        <translation>이 키오스크의 정보는 삭제했어요. 클라우드의 정보는 키오스크가 다시 연결되는 즉시 삭제돼요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="311"/>
        <source>Nothing about you is kept any more.</source>
        <translation>이제 고객님에 대한 정보는 남아 있지 않아요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="313"/>
        <source>Remember you next time?</source>
        <translation>다음에도 알아봐도 될까요?</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="314"/>
        <source>May this kiosk remember your face, so it can pick images for you when you come back? If you say No, or do not answer, nothing is kept.</source>
        <translation>다시 오셨을 때 맞춤 이미지를 골라 드리도록 이 키오스크가 얼굴을 기억해도 될까요? &apos;아니요&apos;를 누르거나 답하지 않으면 아무것도 보관하지 않아요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="323"/>
        <source>How long: it is deleted automatically after 1 day.</source>
        <translation>보관 기간: 1일 후 자동으로 삭제돼요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="324"/>
        <source>How long: it is deleted automatically after %1 days.</source>
        <translation>보관 기간: %1일 후 자동으로 삭제돼요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="330"/>
        <source>No answer in %1 s means No.</source>
        <translation>%1초 안에 답하지 않으면 &apos;아니요&apos;로 처리해요.</translation>
    </message>
</context>
<context>
    <name>CurationController</name>
    <message>
        <location filename="../../kiosk/controllers/curation.py" line="57"/>
        <source>, … %1 more</source>
        <translation>, … 외 %1개</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/curation.py" line="82"/>
        <source>Catalog reloaded: %1 added, %2 updated, %3 removed, %4 skipped</source>
        <translation>카탈로그를 다시 불러왔습니다: 추가 %1개, 변경 %2개, 삭제 %3개, 건너뜀 %4개</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/curation.py" line="91"/>
        <source>Folders ignored (emotion folders have lower-case English names: happy, sad, …): %1.</source>
        <translation>무시한 폴더(감정 폴더 이름은 영어 소문자입니다: happy, sad, …): %1.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/curation.py" line="95"/>
        <source>Smaller than %2 pixels a side, shown blurry (replace them): %1.</source>
        <translation>한 변이 %2픽셀보다 작아 흐리게 보이는 이미지(더 큰 이미지로 교체하세요): %1.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/curation.py" line="99"/>
        <source>The same image as another item, shown twice (remove the copy unless it is meant to be there): %1.</source>
        <translation>다른 항목과 같은 이미지라 두 번 보이는 이미지(일부러 둔 것이 아니면 사본을 삭제하세요): %1.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/curation.py" line="64"/>
        <source>%1 (same image as %2)</source>
        <translation>%1(%2와(과) 같은 이미지)</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/curation.py" line="87"/>
        <source>Skipped (unreadable, empty, another format, too large or badly named; replace or rename them): %1.</source>
        <translation>건너뛴 파일(읽을 수 없거나, 비었거나, 다른 형식이거나, 너무 크거나, 이름이 맞지 않음: 교체하거나 이름을 바꾸세요): %1.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/curation.py" line="115"/>
        <source>Could not reload the catalog: %1. Check the catalog folder and the log, then try again.</source>
        <translation>카탈로그를 다시 불러오지 못했습니다: %1. 카탈로그 폴더와 로그를 확인한 뒤 다시 시도하세요.</translation>
    </message>
</context>
<context>
    <name>CurationScreen</name>
    <message>
        <location filename="../../kiosk/ui/curation_screen.py" line="314"/>
        <source>Review new images</source>
        <translation>새 이미지 검토</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/curation_screen.py" line="315"/>
        <source>%1 waiting</source>
        <translation>%1개 대기 중</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/curation_screen.py" line="317"/>
        <source>No images are waiting for review.
Import images with kiosk-admin catalog import, or make new ones with kiosk-admin generate.</source>
        <translation>검토를 기다리는 이미지가 없어요.
kiosk-admin catalog import로 이미지를 가져오거나 kiosk-admin generate로 새로 만들어 보세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/curation_screen.py" line="320"/>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/curation_screen.py" line="321"/>
        <source>Approve</source>
        <translation>승인</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/curation_screen.py" line="321"/>
        <source>Reject</source>
        <translation>거절</translation>
    </message>
</context>
<context>
    <name>Emotion</name>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="21"/>
        <source>Happy</source>
        <translation>행복</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="22"/>
        <source>Sad</source>
        <translation>슬픔</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="23"/>
        <source>Angry</source>
        <translation>화남</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="24"/>
        <source>Confused</source>
        <translation>혼란</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="25"/>
        <source>Disgusted</source>
        <translation>불쾌</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="26"/>
        <source>Surprised</source>
        <translation>놀람</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="27"/>
        <source>Calm</source>
        <translation>평온</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="28"/>
        <source>Scared</source>
        <translation>두려움</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="36"/>
        <source>Because you look happy</source>
        <translation>행복해 보이셔서 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="37"/>
        <source>Because you look a little sad</source>
        <translation>조금 슬퍼 보이셔서 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="38"/>
        <source>Because you look upset</source>
        <translation>속상해 보이셔서 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="39"/>
        <source>Because you look puzzled</source>
        <translation>어리둥절해 보이셔서 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="40"/>
        <source>Because something seems off</source>
        <translation>뭔가 언짢아 보이셔서 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="41"/>
        <source>Because you look surprised</source>
        <translation>놀라신 것 같아서 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="42"/>
        <source>Because you look calm</source>
        <translation>차분해 보이셔서 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="43"/>
        <source>Because you look uneasy</source>
        <translation>불안해 보이셔서 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="51"/>
        <source>Because you feel happy</source>
        <translation>행복한 기분에 맞춰 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="52"/>
        <source>Because you feel a little sad</source>
        <translation>조금 슬픈 기분에 맞춰 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="53"/>
        <source>Because you feel upset</source>
        <translation>속상한 기분에 맞춰 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="54"/>
        <source>Because you feel puzzled</source>
        <translation>어리둥절한 기분에 맞춰 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="55"/>
        <source>Because you feel put off</source>
        <translation>언짢은 기분에 맞춰 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="56"/>
        <source>Because you feel surprised</source>
        <translation>놀란 기분에 맞춰 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="57"/>
        <source>Because you feel calm</source>
        <translation>차분한 기분에 맞춰 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="58"/>
        <source>Because you feel uneasy</source>
        <translation>불안한 기분에 맞춰 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="65"/>
        <source>%1 %</source>
        <translation>%1%</translation>
    </message>
</context>
<context>
    <name>EmotionBadge</name>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="123"/>
        <source>Reading your mood…</source>
        <translation>기분을 읽고 있어요…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="124"/>
        <source>Hold still a moment</source>
        <translation>잠시 그대로 있어 주세요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="126"/>
        <source>Looking for you…</source>
        <translation>고객님을 찾고 있어요…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="128"/>
        <source>Or choose your mood below</source>
        <translation>아래에서 기분을 직접 고르셔도 돼요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="129"/>
        <source>Look at the camera</source>
        <translation>카메라를 바라봐 주세요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="134"/>
        <source>Your choice</source>
        <translation>직접 고르신 기분</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="136"/>
        <source>Mood of these images</source>
        <translation>지금 이미지의 기분</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="138"/>
        <source>Not sure yet</source>
        <translation>아직 확실하지 않아요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="141"/>
        <source>%1 confidence</source>
        <translation>확신도 %1</translation>
    </message>
</context>
<context>
    <name>ImageCard</name>
    <message>
        <location filename="../../kiosk/ui/cards.py" line="218"/>
        <location filename="../../kiosk/ui/cards.py" line="234"/>
        <location filename="../../kiosk/ui/cards.py" line="243"/>
        <source>Liked</source>
        <translation>좋아요 완료</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/cards.py" line="217"/>
        <location filename="../../kiosk/ui/cards.py" line="233"/>
        <location filename="../../kiosk/ui/cards.py" line="243"/>
        <source>Saving…</source>
        <translation>저장 중…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/cards.py" line="217"/>
        <location filename="../../kiosk/ui/cards.py" line="233"/>
        <location filename="../../kiosk/ui/cards.py" line="243"/>
        <source>Like</source>
        <translation>좋아요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/cards.py" line="225"/>
        <source>Also for you</source>
        <translation>이것도 맞춤 추천</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/cards.py" line="226"/>
        <source>Another mood</source>
        <translation>다른 기분</translation>
    </message>
</context>
<context>
    <name>MainScreen</name>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="431"/>
        <source>Like a few images first, then “For you” opens up.</source>
        <translation>이미지 몇 개에 좋아요를 누르시면 ‘맞춤 추천’이 열려요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="498"/>
        <source>Step closer</source>
        <translation>가까이 와 보세요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="499"/>
        <source>Images for your mood — or tap “Choose my mood”.</source>
        <translation>기분에 맞는 이미지를 골라 드려요. “기분 직접 고르기”도 돼요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="504"/>
        <location filename="../../kiosk/ui/main_screen.py" line="509"/>
        <source>Finding images for you…</source>
        <translation>이미지를 고르고 있어요…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="509"/>
        <source>This takes only a moment.</source>
        <translation>잠시만 기다려 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="513"/>
        <source>For you</source>
        <translation>맞춤 추천</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="468"/>
        <location filename="../../kiosk/ui/main_screen.py" line="484"/>
        <source>For you · %1</source>
        <translation>맞춤 추천 · %1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="470"/>
        <location filename="../../kiosk/ui/main_screen.py" line="485"/>
        <source>Picked from what you liked, to suit this mood.</source>
        <translation>좋아요를 누르신 이미지를 바탕으로 지금 기분에 맞게 골랐어요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="494"/>
        <source>Tell us your mood — we&apos;ll pick images for it</source>
        <translation>지금 기분을 알려 주세요 — 어울리는 이미지를 골라 드릴게요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="495"/>
        <source>Tap “Choose my mood”.</source>
        <translation>“기분 직접 고르기”를 눌러 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="501"/>
        <source>Still reading your mood…</source>
        <translation>기분을 읽고 있어요…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="502"/>
        <source>Look at the camera, or tap “Choose my mood”.</source>
        <translation>카메라를 바라보시거나 “기분 직접 고르기”를 눌러 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="505"/>
        <source>This is taking longer than usual. Tap Next to try again.</source>
        <translation>평소보다 오래 걸리고 있어요. 다음을 눌러 다시 시도해 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="507"/>
        <source>These images could not be shown</source>
        <translation>이미지를 보여 드리지 못했어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="508"/>
        <source>Tap Next to try again, or choose another mood.</source>
        <translation>다음을 눌러 다시 시도하시거나 다른 기분을 골라 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="477"/>
        <location filename="../../kiosk/ui/main_screen.py" line="483"/>
        <source>Tap Like on the images you love, or Next for more.</source>
        <translation>마음에 드는 이미지에 좋아요를 누르거나, 다음을 눌러 더 보세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="512"/>
        <source>Emotion</source>
        <translation>감정</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="514"/>
        <source>Next</source>
        <translation>다음</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="515"/>
        <source>Choose my mood</source>
        <translation>기분 직접 고르기</translation>
    </message>
</context>
<context>
    <name>MoodPicker</name>
    <message>
        <location filename="../../kiosk/ui/mood_picker.py" line="158"/>
        <source>Back</source>
        <translation>뒤로</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/mood_picker.py" line="159"/>
        <source>How are you feeling?</source>
        <translation>지금 기분이 어떠세요?</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/mood_picker.py" line="161"/>
        <source>The camera is unavailable right now — just tap your mood.</source>
        <translation>지금은 카메라를 사용할 수 없어요 — 기분을 눌러 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/mood_picker.py" line="163"/>
        <source>Mood reading is off right now — just tap your mood.</source>
        <translation>지금은 기분을 읽지 않아요 — 기분을 눌러 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/mood_picker.py" line="165"/>
        <source>Tap your mood and we&apos;ll pick images for it.</source>
        <translation>기분을 누르시면 어울리는 이미지를 골라 드릴게요.</translation>
    </message>
</context>
<context>
    <name>Notices</name>
    <message>
        <location filename="../../kiosk/ui/notices.py" line="25"/>
        <source>Starting the camera…</source>
        <translation>카메라를 켜는 중이에요…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/notices.py" line="29"/>
        <source>Your like could not be saved. Please try again.</source>
        <translation>좋아요를 저장하지 못했어요. 다시 눌러 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/notices.py" line="35"/>
        <source>A like on an earlier page could not be saved.</source>
        <translation>이전 페이지의 좋아요를 저장하지 못했어요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/notices.py" line="43"/>
        <source>Likes can&apos;t be saved right now. Please tell a member of staff.</source>
        <translation>지금은 좋아요를 저장할 수 없어요. 직원에게 알려 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/notices.py" line="50"/>
        <source>No new images could be shown just now. Please try again in a moment.</source>
        <translation>지금은 새 이미지를 보여 드리지 못했어요. 잠시 후 다시 시도해 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/notices.py" line="55"/>
        <source>Something went wrong. Please try again.</source>
        <translation>잠시 문제가 생겼어요. 다시 시도해 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/notices.py" line="60"/>
        <source>No camera here: you choose your mood.</source>
        <translation>이 키오스크에는 카메라가 없어요: 기분을 직접 골라 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/notices.py" line="65"/>
        <source>The camera is taking a break. You can pick your mood instead.</source>
        <translation>카메라가 잠시 쉬고 있어요. 대신 지금 기분을 골라 주세요.</translation>
    </message>
</context>
<context>
    <name>OutOfOrder</name>
    <message>
        <location filename="../../kiosk/ui/out_of_order.py" line="137"/>
        <source>Out of order</source>
        <translation>점검 중</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/out_of_order.py" line="138"/>
        <source>This screen is being looked after. Please come back a little later.</source>
        <translation>이 화면은 지금 점검 중입니다. 잠시 후에 다시 이용해 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/out_of_order.py" line="146"/>
        <source>For staff: the settings file %1 has a problem on line %2:</source>
        <translation>직원용: 설정 파일 %1의 %2번째 줄에 문제가 있습니다:</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/out_of_order.py" line="150"/>
        <source>For staff: the settings file %1 has a problem:</source>
        <translation>직원용: 설정 파일 %1에 문제가 있습니다:</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/out_of_order.py" line="154"/>
        <source>For staff: a setting given to the kiosk (an environment variable KIOSK_… or the command line) has a problem:</source>
        <translation>직원용: 키오스크에 전달된 설정(환경 변수 KIOSK_… 또는 명령줄)에 문제가 있습니다:</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/out_of_order.py" line="161"/>
        <source>Correct it and save the file: the kiosk starts by itself within a few seconds. Every setting is explained in kiosk.example.toml.</source>
        <translation>고친 뒤 파일을 저장하세요. 몇 초 안에 키오스크가 저절로 시작됩니다. 모든 설정은 kiosk.example.toml에 설명되어 있습니다.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/out_of_order.py" line="166"/>
        <source>Correct it where the kiosk is started (the systemd unit or the autostart entry), then restart the kiosk.</source>
        <translation>키오스크를 시작하는 곳(systemd 유닛 또는 자동 시작 항목)에서 고친 뒤 키오스크를 다시 시작하세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/out_of_order.py" line="171"/>
        <source>The file changed at %1 and still has a problem.</source>
        <translation>파일이 %1에 바뀌었지만 아직 문제가 있습니다.</translation>
    </message>
</context>
<context>
    <name>PinPad</name>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="251"/>
        <source>Too many wrong tries. Try again in %1 s.</source>
        <translation>잘못 입력한 횟수가 너무 많아요. %1초 후에 다시 시도해 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="255"/>
        <source>Wrong PIN. %1 tries left.</source>
        <translation>PIN이 틀렸어요. %1번 더 시도할 수 있어요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="257"/>
        <source>Enter the staff PIN (still the factory PIN: change it)</source>
        <translation>직원 PIN을 입력하세요(아직 공장 초기값입니다. 바꿔 주세요)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="258"/>
        <source>Enter the staff PIN</source>
        <translation>직원 PIN을 입력해 주세요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="261"/>
        <source>Staff access</source>
        <translation>직원 전용</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="262"/>
        <source>Clear</source>
        <translation>지우기</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="263"/>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="264"/>
        <source>Unlock</source>
        <translation>잠금 해제</translation>
    </message>
</context>
<context>
    <name>PrivacyNotice</name>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="151"/>
        <source>The camera is off. Nothing is analysed.</source>
        <translation>카메라가 꺼져 있어요. 아무것도 분석하지 않아요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="155"/>
        <source>Your facial expression is read on this device to pick images.</source>
        <translation>이미지를 고르기 위해 이 기기 안에서 표정을 분석해요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="157"/>
        <source>The camera is on, but nothing is analysed right now: mood reading is off.</source>
        <translation>카메라는 켜져 있지만 지금은 아무것도 분석하지 않아요: 기분 읽기가 꺼져 있어요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="158"/>
        <source>No image is stored.</source>
        <translation>사진은 저장하지 않아요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="162"/>
        <source>Visits are counted only as totals, never one by one.</source>
        <translation>방문은 개인별 기록 없이 합계로만 집계됩니다.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="164"/>
        <source>When the device is unsure, a face crop may be sent to Amazon Rekognition (AWS) for analysis.</source>
        <translation>분석이 확실하지 않을 때는 얼굴 부분 이미지를 Amazon Rekognition(AWS)으로 보내 분석할 수 있어요.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kiosk/ui/privacy.py" line="166"/>
        <source>Only if you agree to be remembered, a face crop is sent once to Amazon Rekognition (AWS), which keeps a face vector (not a picture) for %n day(s).</source>
        <translation>
            <numerusform>기억에 동의하신 경우에만 얼굴 사진 한 장을 Amazon Rekognition(AWS)으로 한 번 보내고, 그곳에 얼굴 벡터(사진이 아니에요)를 %n일 동안 보관해요.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="168"/>
        <source>To pick images, your mood and a random ID are sent to Amazon Personalize (AWS).</source>
        <translation>이미지를 고르기 위해 기분과 임의의 ID를 Amazon Personalize(AWS)로 보내요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="170"/>
        <source>Your likes and the images shown are sent to Amazon Personalize (AWS) with a random ID.</source>
        <translation>좋아요와 보여 드린 이미지는 임의의 ID와 함께 Amazon Personalize(AWS)로 보내요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="173"/>
        <source>Visit totals are sent to Amazon CloudWatch (AWS).</source>
        <translation>방문 합계는 Amazon CloudWatch(AWS)로 보내요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="175"/>
        <source>Only visit totals go to the cloud (Amazon CloudWatch), never an image.</source>
        <translation>클라우드(Amazon CloudWatch)로는 방문 합계만 보내고, 이미지는 보내지 않아요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="177"/>
        <source>Nothing is sent to the cloud.</source>
        <translation>클라우드로는 아무것도 보내지 않아요.</translation>
    </message>
</context>
</TS>
