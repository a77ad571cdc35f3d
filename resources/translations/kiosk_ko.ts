<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>AdminPanel</name>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="147"/>
        <source>Admin</source>
        <translation>관리자</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="148"/>
        <source>Exit</source>
        <translation>종료</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="149"/>
        <source>Restart</source>
        <translation>다시 시작</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="150"/>
        <source>Reload catalog</source>
        <translation>카탈로그 새로고침</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="151"/>
        <source>Flush events</source>
        <translation>이벤트 바로 전송</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="152"/>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="160"/>
        <source>Camera</source>
        <translation>카메라</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="161"/>
        <source>%1 fps</source>
        <translation>%1 fps</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="165"/>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="166"/>
        <source>%1 ms per face</source>
        <translation>얼굴당 %1 ms</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="170"/>
        <source>Network</source>
        <translation>네트워크</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="171"/>
        <source>Online</source>
        <translation>온라인</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="171"/>
        <source>Offline</source>
        <translation>오프라인</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="176"/>
        <source>Event queue</source>
        <translation>이벤트 대기열</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="177"/>
        <source>%1 waiting</source>
        <translation>%1개 대기 중</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="178"/>
        <source>%1 dead letters</source>
        <translation>전송 실패 %1개</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="188"/>
        <source>Catalog</source>
        <translation>카탈로그</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="188"/>
        <source>%1 images</source>
        <translation>이미지 %1개</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="192"/>
        <source>Crashes</source>
        <translation>비정상 종료</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="194"/>
        <source>Other</source>
        <translation>기타</translation>
    </message>
</context>
<context>
    <name>AttractScreen</name>
    <message>
        <location filename="../../kiosk/ui/attract.py" line="178"/>
        <source>Step closer — we&apos;ll pick images for your mood</source>
        <translation>가까이 와 보세요 — 기분에 맞는 이미지를 골라 드릴게요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/attract.py" line="179"/>
        <source>Look at the screen for a moment, or tap to start.</source>
        <translation>잠시 화면을 바라보시거나, 화면을 눌러 시작하세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/attract.py" line="181"/>
        <source>Tell us your mood — we&apos;ll pick images for it</source>
        <translation>지금 기분을 알려 주세요 — 어울리는 이미지를 골라 드릴게요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/attract.py" line="182"/>
        <source>Tap anywhere to start.</source>
        <translation>아무 곳이나 눌러 시작하세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/attract.py" line="183"/>
        <source>Choose my mood</source>
        <translation>기분 직접 고르기</translation>
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
        <location filename="../../kiosk/ui/main_screen.py" line="88"/>
        <source>Looking for you…</source>
        <translation>고객님을 찾고 있어요…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="90"/>
        <source>Or choose your mood below</source>
        <translation>아래에서 기분을 직접 고르셔도 돼요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="91"/>
        <source>Look at the camera</source>
        <translation>카메라를 바라봐 주세요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="96"/>
        <source>Your choice</source>
        <translation>직접 고르신 기분</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="98"/>
        <source>Not sure yet</source>
        <translation>아직 확실하지 않아요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="101"/>
        <source>%1 confidence</source>
        <translation>확신도 %1</translation>
    </message>
</context>
<context>
    <name>ImageCard</name>
    <message>
        <location filename="../../kiosk/ui/cards.py" line="103"/>
        <source>Liked</source>
        <translation>좋아요 완료</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/cards.py" line="103"/>
        <source>Like</source>
        <translation>좋아요</translation>
    </message>
</context>
<context>
    <name>MainScreen</name>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="241"/>
        <location filename="../../kiosk/ui/main_screen.py" line="325"/>
        <source>The camera is unavailable.</source>
        <translation>카메라를 사용할 수 없어요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="243"/>
        <source>Starting the camera…</source>
        <translation>카메라를 켜는 중이에요…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="274"/>
        <source>Like a few images first, then “For you” opens up.</source>
        <translation>이미지 몇 개에 좋아요를 누르시면 ‘맞춤 추천’이 열려요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="302"/>
        <source>Finding images for you…</source>
        <translation>이미지를 고르고 있어요…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="303"/>
        <source>This takes only a moment.</source>
        <translation>잠시만 기다려 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="305"/>
        <location filename="../../kiosk/ui/main_screen.py" line="317"/>
        <source>For you</source>
        <translation>맞춤 추천</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="306"/>
        <source>Picked from what you liked. Tap Like on your favourites.</source>
        <translation>좋아요를 누르신 이미지를 바탕으로 골랐어요. 마음에 드는 이미지에 좋아요를 눌러 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="313"/>
        <source>Tap Like on the images you love, or Next for more.</source>
        <translation>마음에 드는 이미지에 좋아요를 누르거나, 다음을 눌러 더 보세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="316"/>
        <source>Emotion</source>
        <translation>감정</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="318"/>
        <source>Next</source>
        <translation>다음</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="319"/>
        <source>Choose my mood</source>
        <translation>기분 직접 고르기</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="215"/>
        <source>Your like could not be saved. Please try again.</source>
        <translation>좋아요를 저장하지 못했어요. 다시 눌러 주세요.</translation>
    </message>
</context>
<context>
    <name>MoodPicker</name>
    <message>
        <location filename="../../kiosk/ui/mood_picker.py" line="125"/>
        <source>Back</source>
        <translation>뒤로</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/mood_picker.py" line="126"/>
        <source>How are you feeling?</source>
        <translation>지금 기분이 어떠세요?</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/mood_picker.py" line="128"/>
        <source>The camera is unavailable right now — just tap your mood.</source>
        <translation>지금은 카메라를 사용할 수 없어요 — 기분을 눌러 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/mood_picker.py" line="130"/>
        <source>Tap your mood and we&apos;ll pick images for it.</source>
        <translation>기분을 누르시면 어울리는 이미지를 골라 드릴게요.</translation>
    </message>
</context>
<context>
    <name>PinPad</name>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="225"/>
        <source>Too many wrong tries. Try again in %1 s.</source>
        <translation>잘못 입력한 횟수가 너무 많아요. %1초 후에 다시 시도해 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="230"/>
        <source>Wrong PIN. %1 tries left.</source>
        <translation>PIN이 틀렸어요. %1번 더 시도할 수 있어요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="231"/>
        <source>Enter the staff PIN</source>
        <translation>직원 PIN을 입력해 주세요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="234"/>
        <source>Staff access</source>
        <translation>직원 전용</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="235"/>
        <source>Clear</source>
        <translation>지우기</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="236"/>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="237"/>
        <source>Unlock</source>
        <translation>잠금 해제</translation>
    </message>
</context>
<context>
    <name>PrivacyNotice</name>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="90"/>
        <source>The camera is off. Nothing is analysed.</source>
        <translation>카메라가 꺼져 있어요. 아무것도 분석하지 않아요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="94"/>
        <source>Your facial expression is read on this device to pick images.</source>
        <translation>이미지를 고르기 위해 이 기기 안에서 표정을 분석해요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="95"/>
        <source>No image is stored.</source>
        <translation>사진은 저장하지 않아요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="98"/>
        <source>When the device is unsure, a face crop may be sent to Amazon Rekognition (AWS) for analysis.</source>
        <translation>분석이 확실하지 않을 때는 얼굴 부분 이미지를 Amazon Rekognition(AWS)으로 보내 분석할 수 있어요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="100"/>
        <source>Nothing is sent to the cloud.</source>
        <translation>클라우드로는 아무것도 보내지 않아요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="102"/>
        <source>We remember your face only if you agree.</source>
        <translation>동의하신 경우에만 얼굴을 기억해요.</translation>
    </message>
</context>
</TS>
